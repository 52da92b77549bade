import type * as k8s from "@pulumi/kubernetes";
import { probe, type Resources, resources } from "../components/workload";

/** Where the pipeline image expects things (kernelci-pipeline's kube/aks and kernelci.toml). */
export const paths = {
  settings: "/secrets",
  config: "/config",
  data: "/home/kernelci/data",
  /** tarball's git clone (`kdir`): its parent is the persistent volume, so restarts keep it. */
  kernelSource: "/home/kernelci/data/src/linux",
  output: "/home/kernelci/data/output",
  kubeconfig: "/home/kernelci/.kube",
} as const;

/** Keys of the pipeline Secret. */
export const secretKeys = {
  settings: "kernelci.toml",
  apiToken: "api-token",
  kcidbCredentials: "kcidb-credentials.json",
  kubeconfig: "kubeconfig",
} as const;

export type SecretKey = (typeof secretKeys)[keyof typeof secretKeys];

/** One kernelci-pipeline service: everything its Deployment is made of. */
export interface PipelineServiceSpec {
  name: string;
  image: "pipeline" | "lavaCallback";
  command: string[];
  env?: { name: string; value: string }[];
  resources: Resources;
  probe: k8s.types.input.core.v1.Probe;
  /** Mounts the YAML config (the ConfigMap of kernelci-pipeline's config/ directory). */
  mountsConfig: boolean;
  /** Keys of the pipeline Secret it mounts (kernelci.toml is mounted by all). */
  secrets: SecretKey[];
  /** A persistent volume (kept across restarts and updates) or scratch space. */
  volume?: { kind: "persistent"; mountPath: string; size: string } | { kind: "scratch"; mountPath: string };
  /** Served over HTTP from outside the cluster: a Service and an Ingress for this host. */
  http?: { port: number; host: string };
}

export interface PipelineServicesInput {
  trees: string[];
  tarballVolumeSize: string;
  callbackHost: string;
  apiUrl: string;
  schedulers: {
    shell: boolean;
    docker: boolean;
    kubernetes: string[];
    lava: { name: string; labs: string[] }[];
  };
  kcidb: boolean;
}

const small = resources("128Mi", "100m", "512Mi", "500m");
const scheduler = resources("256Mi", "100m", "1Gi", "500m");
const heavy = resources("5Gi", "500m", "8Gi", "2");

const script = (file: string, ...args: string[]) => [
  `./src/${file}`,
  `--settings=${paths.settings}/${secretKeys.settings}`,
  `--yaml-config=${paths.config}`,
  ...args,
];

/**
 * The services of the pipeline namespace, as data: the pipeline component turns each entry into
 * a Deployment (and a Service and Ingress when it serves HTTP). Adding a lab group or a scheduler
 * is a configuration change that adds one entry here.
 */
export function pipelineServices(input: PipelineServicesInput): PipelineServiceSpec[] {
  // Workers have no health endpoint: they are useful only while the API answers.
  const apiAnswers = probe.exec(
    "python3",
    "-c",
    `import urllib.request; urllib.request.urlopen("${input.apiUrl}/", timeout=5)`,
  );
  const worker = (
    name: string,
    command: string[],
    extra: Partial<PipelineServiceSpec> = {},
  ): PipelineServiceSpec => ({
    name,
    image: "pipeline",
    command,
    resources: small,
    probe: apiAnswers,
    mountsConfig: true,
    secrets: [secretKeys.settings, secretKeys.apiToken],
    ...extra,
  });
  const schedulerService = (name: string, runtimes: string[], extra: Partial<PipelineServiceSpec> = {}) =>
    worker(`scheduler-${name}`, script("scheduler.py", "loop", "--runtimes", ...runtimes), {
      resources: scheduler,
      probe: probe.http(8080, "/health"),
      ...extra,
    });
  const { schedulers } = input;
  return [
    worker("trigger", script("trigger.py", "run", `--trees=${input.trees.join(",")}`)),
    worker("tarball", script("tarball.py", "run"), {
      resources: heavy,
      volume: {
        kind: "persistent",
        mountPath: paths.kernelSource.replace(/\/linux$/, ""),
        size: input.tarballVolumeSize,
      },
    }),
    worker("patchset", script("patchset.py", "run", "--name=patchset"), {
      resources: heavy,
      volume: { kind: "scratch", mountPath: paths.data },
    }),
    ...(schedulers.shell ? [schedulerService("shell", ["shell"])] : []),
    ...(schedulers.docker ? [schedulerService("docker", ["docker"])] : []),
    ...(schedulers.kubernetes.length > 0
      ? [
          schedulerService("k8s", schedulers.kubernetes, {
            // Optional: without secrets.buildKubeconfig it reaches only its own cluster.
            secrets: [secretKeys.settings, secretKeys.apiToken, secretKeys.kubeconfig],
          }),
        ]
      : []),
    ...schedulers.lava.map((group) => schedulerService(`lava-${group.name}`, group.labs)),
    ...(["timeout", "closing", "holdoff"] as const).map((mode) =>
      worker(mode, script("timeout.py", "run", `--mode=${mode}`)),
    ),
    worker("job-retry", script("job_retry.py", "run")),
    // monitor and send_kcidb take no --yaml-config upstream: they do not mount the config.
    worker("monitor", [`./src/monitor.py`, `--settings=${paths.settings}/${secretKeys.settings}`, "run"], {
      mountsConfig: false,
    }),
    ...(input.kcidb
      ? [
          worker(
            "pipeline-kcidb",
            [
              "./src/send_kcidb.py",
              `--settings=${paths.settings}/${secretKeys.settings}`,
              "run",
              "--name=pipeline_kcidb",
            ],
            {
              mountsConfig: false,
              resources: resources("1Gi", "500m", "2Gi", "1"),
              secrets: [secretKeys.settings, secretKeys.apiToken, secretKeys.kcidbCredentials],
              env: [
                {
                  name: "GOOGLE_APPLICATION_CREDENTIALS",
                  value: `${paths.settings}/${secretKeys.kcidbCredentials}`,
                },
              ],
            },
          ),
        ]
      : []),
    {
      name: "lava-callback",
      image: "lavaCallback",
      command: ["uvicorn", "lava_callback:app", "--host", "0.0.0.0", "--port", "8000"],
      env: [{ name: "KCI_SETTINGS", value: `${paths.settings}/${secretKeys.settings}` }],
      resources: small,
      probe: probe.tcp(8000),
      mountsConfig: true,
      secrets: [secretKeys.settings, secretKeys.apiToken],
      http: { port: 8000, host: input.callbackHost },
    },
  ];
}
