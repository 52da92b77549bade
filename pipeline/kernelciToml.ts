import { stringify } from "smol-toml";
import { paths } from "./services";

export interface KernelciTomlSettings {
  /** Names of entries of api_configs / storage_configs in the pipeline YAML. */
  apiConfig: string;
  storageConfig: string;
  pollPeriodSeconds: number;
  /** Upload token for kernelci-storage. */
  storageToken: string;
  /** Lab name -> tokens: `runtime_token` to submit jobs, `callback_token` the lab sends back. */
  labTokens: Record<string, { token: string; callbackToken: string }>;
  kcidb?: { projectId: string; topicName: string; origin: string };
}

/**
 * The settings file every pipeline service reads (`--settings`), rendered from the stack's
 * configuration. It holds tokens, so it only ever goes into a Kubernetes Secret.
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
      allowed_domains: ["patchwork.kernel.org"],
      polling_delay_secs: 30,
    },
    scheduler: { output: paths.output },
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
    storage: { [s.storageConfig]: { storage_cred: s.storageToken } },
    runtime: Object.fromEntries(
      sortedLabs.map((lab) => [
        lab,
        { runtime_token: s.labTokens[lab].token, callback_token: s.labTokens[lab].callbackToken },
      ]),
    ),
  });
}
