import { parse } from "yaml";

/**
 * The YAML files of a kernelci-pipeline config/ directory as one document: top-level mappings of
 * all files merged key by key, as kernelci-core's config loader does (load_single_yaml).
 */
export function mergedPipelineYaml(files: Record<string, string>): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const file of Object.keys(files).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    let data: unknown;
    try {
      data = parse(files[file], { merge: true });
    } catch (error) {
      throw new Error(`kernelci-pipeline config/${file} is not valid YAML: ${(error as Error).message}`);
    }
    if (!data || typeof data !== "object") continue;
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        merged[key] = { ...(merged[key] ?? {}), ...(value as Record<string, unknown>) };
      }
    }
  }
  return merged;
}

/**
 * kernelci.toml names an entry of `api` and one of `storage` of the deployed config: a name the
 * config lacks would stop every service at start, so it stops the deployment instead.
 */
export function checkSettingsNames(
  files: Record<string, string>,
  names: { apiConfig: string; storageConfig: string },
): void {
  const yaml = mergedPipelineYaml(files);
  const problems = [
    ["apiConfig", "api", names.apiConfig],
    ["storageConfig", "storage", names.storageConfig],
  ]
    .filter(([, section, name]) => yaml[section]?.[name] === undefined)
    .map(
      ([key, section, name]) =>
        `kernelci:pipeline.${key}: "${name}" is not an entry of "${section}" in the deployed kernelci-pipeline config (entries: ${Object.keys(yaml[section] ?? {}).join(", ") || "none"})`,
    );
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
