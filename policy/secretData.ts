import { type CheckedResource, describe, type PodContainer, podContainers } from "./workloads";

/** Environment variable names that hold credentials by convention. */
const secretName = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS?)$/i;
/** Shorter values (a port, "true") would match by accident. */
const minSecretLength = 8;

/**
 * A credential-named environment variable must come from a Secret (valueFrom.secretKeyRef),
 * never be written into the pod spec as a literal value. An absolute path is not the
 * credential but where its Secret is mounted (GOOGLE_APPLICATION_CREDENTIALS).
 */
export function secretEnvFromSecrets(resource: CheckedResource): string[] {
  return podContainers(resource).flatMap((c) =>
    literalEnv(c)
      .filter((e) => secretName.test(e.name) && !/^(\/|$)/.test(e.value))
      .map(
        (e) =>
          `${describe(resource)}: container "${c.name}" sets ${e.name} as a plain value; read it from a Secret (valueFrom.secretKeyRef)`,
      ),
  );
}

/** A container's environment variables written as values (not read from a Secret or field). */
function literalEnv(c: PodContainer): { name: string; value: string }[] {
  const env: unknown[] = Array.isArray(c.spec?.env) ? c.spec.env : [];
  return env.flatMap((e) => {
    const { name, value } = (e ?? {}) as { name?: unknown; value?: unknown };
    return typeof value === "string" ? [{ name: String(name), value }] : [];
  });
}

interface SecretValue {
  value: string;
  source: string;
}

/** Every value held by the stack's Kubernetes Secrets (stringData as is, data decoded). */
function secretValues(resources: CheckedResource[]): SecretValue[] {
  const values: SecretValue[] = [];
  for (const r of resources.filter((r) => r.type === "kubernetes:core/v1:Secret")) {
    const add = (entries: unknown, decode: boolean) => {
      for (const [key, raw] of Object.entries((entries ?? {}) as Record<string, unknown>)) {
        if (typeof raw !== "string") continue;
        const value = decode ? Buffer.from(raw, "base64").toString("utf8") : raw;
        if (value.length >= minSecretLength) values.push({ value, source: `${describe(r)} key ${key}` });
      }
    };
    add(r.props?.stringData, false);
    add(r.props?.data, true);
  }
  return values;
}

/** The plain places a value can land in: ConfigMap data and literal environment values. */
function plainValues(resource: CheckedResource): { where: string; value: string }[] {
  if (resource.type === "kubernetes:core/v1:ConfigMap") {
    return Object.entries((resource.props?.data ?? {}) as Record<string, unknown>)
      .filter((entry): entry is [string, string] => typeof entry[1] === "string")
      .map(([key, value]) => ({ where: `${describe(resource)} key ${key}`, value }));
  }
  return podContainers(resource).flatMap((c) =>
    literalEnv(c).map((e) => ({
      where: `${describe(resource)}: container "${c.name}" env ${e.name}`,
      value: e.value,
    })),
  );
}

/**
 * No value of a Secret appears in a ConfigMap or in a literal environment variable: there it
 * would be readable by anyone who can read the namespace's config, and it lands in plain text
 * in rendered manifests. The messages name where it leaked and which Secret holds it, never
 * the value.
 */
export function secretDataOutsideSecrets(resources: CheckedResource[]): string[] {
  const secrets = secretValues(resources);
  if (secrets.length === 0) return [];
  return resources.flatMap((r) =>
    plainValues(r).flatMap(({ where, value }) => {
      const leaked = secrets.find((s) => value.includes(s.value));
      return leaked
        ? [`${where} holds the value of ${leaked.source}: mount or reference the Secret instead`]
        : [];
    }),
  );
}
