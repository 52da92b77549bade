import { stringify } from "smol-toml";
import { paths } from "./services";

export interface KernelciTomlSettings {
  /** Names of entries of `api` / `storage` in the pipeline YAML. */
  apiConfig: string;
  storageConfig: string;
  pollPeriodSeconds: number;
  /** Upload token for kernelci-storage. */
  storageToken: string;
  /** Lab name -> tokens: `runtime_token` to submit jobs, `callback_token` the lab sends back. */
  labTokens: Record<string, { token: string; callbackToken: string }>;
  kcidb?: { projectId: string; topicName: string; origin: string };
  /** `{image_prefix}` of the job templates (config/jobs.yaml): the stack's image prefix. */
  imagePrefix: string;
  /** [jwt] secret: lava-callback validates pipeline API tokens with it. */
  jwtSecret?: string;
}

/**
 * The settings file every pipeline service reads (`--settings`), rendered from the stack's
 * configuration with the sections and keys of kernelci-pipeline's config/kernelci.toml and
 * kube/aks/kernelci-secrets.toml.example. It holds tokens, so it only ever goes into a Secret.
 */
export function renderKernelciToml(s: KernelciTomlSettings): string {
  const sortedLabs = Object.keys(s.labTokens).sort();
  return stringify({
    DEFAULT: { api_config: s.apiConfig, storage_config: s.storageConfig, verbose: true },
    trigger: { poll_period: s.pollPeriodSeconds, startup_delay: 3, timeout: 180 },
    tarball: { kdir: paths.kernelSource, output: paths.output },
    patchset: {
      kdir: `${paths.kernelSource}-patchset`,
      output: paths.output,
      patchset_tmp_file_prefix: "kernel-patch",
      patchset_short_hash_len: 13,
      allowed_domains: ["patchwork.kernel.org", "files.kernelci.org", "files-staging.kernelci.org"],
      polling_delay_secs: 30,
      patchset_max_patch_size_mb: 10,
    },
    scheduler: { output: paths.output, image_prefix: s.imagePrefix },
    monitor: {},
    timeout: {},
    ...(s.kcidb
      ? {
          send_kcidb: {
            kcidb_project_id: s.kcidb.projectId,
            kcidb_topic_name: s.kcidb.topicName,
            origin: s.kcidb.origin,
          },
        }
      : {}),
    ...(s.jwtSecret ? { jwt: { secret: s.jwtSecret } } : {}),
    storage: { [s.storageConfig]: { storage_cred: s.storageToken } },
    runtime: Object.fromEntries(
      sortedLabs.map((lab) => [
        lab,
        { runtime_token: s.labTokens[lab].token, callback_token: s.labTokens[lab].callbackToken },
      ]),
    ),
  });
}
