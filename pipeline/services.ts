import type * as k8s from "@pulumi/kubernetes";
import { probe, type Resources, resources } from "../components/workload";

/** Where the pipeline image expects things (kernelci-pipeline's kube/aks and kernelci.toml). */
export const paths = {
  home: "/home/kernelci",
  settings: "/secrets",
  config: "/config",
  data: "/home/kernelci/data",
  /** tarball's git clone (`kdir`): its parent is the persistent volume, so restarts keep it. */
  kernelSource: "/home/kernelci/data/src/linux",
  output: "/home/kernelci/data/output",
  kubeconfig: "/home/kernelci/.kube",
  sshKey: "/home/kernelci/secrets/ssh",
  /** Where the credentials archive is unpacked (kube/aks/scheduler-k8s.yaml `tmpsecrets`). */
  credentials: "/home/kernelci/secrets",
} as const;

/**
 * The build-cluster credentials archive of upstream's `k8scredentials` Secret: a .tgz holding
 * `k8s-credentials/{.kube,.config/gcloud,.azure}`, unpacked by an init container and mounted in
 * the home directory (kube/aks/scheduler-k8s.yaml, scheduler-shell.yaml).
 */
export const credentialsArchive = {
  secret: "k8scredentials",
  key: "k8s-credentials.tgz",
  homeDirs: [".kube", ".config/gcloud", ".azure"],
  root: "k8s-credentials",
} as const;

/** Names upstream gives the pipeline's Secrets and ConfigMap (kube/aks, api-pipeline-deploy.sh). */
export const objectNames = {
  secrets: "pipeline-secrets",
  apiToken: "kernelci-api-token",
  config: "pipeline-configmap",
} as const;

/** Keys of the pipeline Secret (`pipeline-secrets`). */
export const secretKeys = {
  settings: "kernelci.toml",
  kcidbCredentials: "kcidb-credentials.json",
  kcidbRest: "kcidb-rest",
  sshKey: "id_rsa",
  kubeconfig: "kubeconfig",
} as const;

/** The key of the API token Secret (`kernelci-api-token`). */
export const apiTokenKey = "token";

export type SecretKey = (typeof secretKeys)[keyof typeof secretKeys];

/** An environment variable: a value, or a key of the pipeline Secret. */
export type ServiceEnv = { name: string; value: string } | { name: string; secretKey: SecretKey };

/** One kernelci-pipeline service: everything its Deployment is made of. */
export interface PipelineServiceSpec {
  name: string;
  image: "pipeline" | "lavaCallback";
  command: string[];
  args?: string[];
  workingDir?: string;
  env?: ServiceEnv[];
  resources: Resources;
  probe: k8s.types.input.core.v1.Probe;
  /** Mounts the YAML config (the ConfigMap of kernelci-pipeline's config/ directory). */
  mountsConfig: boolean;
  /** Keys of the pipeline Secret it mounts under /secrets (kernelci.toml is mounted by all). */
  secrets: SecretKey[];
  /** Keys of the pipeline Secret mounted as `dir/file` when the stack sets them (optional volumes). */
  optionalFiles?: { key: SecretKey; dir: string; file: string }[];
  /** Unpacks the credentials archive into the home directory (see credentialsArchive). */
  credentialsArchive?: boolean;
  /** A persistent volume (kept across restarts and updates) or scratch space. */
  volume?: { kind: "persistent"; mountPath: string; size: string } | { kind: "scratch"; mountPath: string };
  /** Served over HTTP from outside the cluster: a Service and an Ingress for this host. */
  http?: { port: number; host: string; annotations?: Record<string, string> };
}

export interface PipelineServicesInput {
  /** The trigger's `--trees` value. */
  trees: string;
  tarballVolumeSize: string;
  callbackHost: string;
  apiUrl: string;
  /** KCI_INSTANCE of the LAVA schedulers. */
  instance: string;
  jobRetry: boolean;
  schedulers: {
    shell: boolean;
    docker: boolean;
    kubernetes: boolean;
    lava: { name: string; labs?: string[]; runtimeTypes?: string[] }[];
    /** How the shell and k8s schedulers get build-cluster credentials. */
    credentials: "kubeconfig" | "archive";
  };
  kcidb: boolean;
}

// Requests as in upstream's kube/aks manifests; limits are the project's (upstream sets none
// except on tarball and patchset).
const small = resources("128Mi", "500m", "512Mi", "1");
const scheduler = resources("256Mi", "500m", "1Gi", "1");
const heavy = resources("5Gi", "500m", "8Gi", "2");
const settingsFile = `${paths.settings}/${secretKeys.settings}`;

/** `./src/<file> --settings=… [--yaml-config=/config] <command…>`, as in kube/aks/*.yaml. */
const script = (file: string, withConfig: boolean, ...args: string[]) => [
  `./src/${file}`,
  `--settings=${settingsFile}`,
  ...(withConfig ? [`--yaml-config=${paths.config}`] : []),
  ...args,
];

/** `--name` of a scheduler: the service name with underscores (scheduler_k8s, scheduler_lava). */
const schedulerName = (name: string) => `scheduler_${name.replaceAll("-", "_")}`;

type Worker = (name: string, command: string[], extra?: Partial<PipelineServiceSpec>) => PipelineServiceSpec;

/** The schedulers (kube/aks/scheduler-*.yaml): scheduler.py serves /health on 8080. */
function schedulerServices(input: PipelineServicesInput, worker: Worker): PipelineServiceSpec[] {
  const service = (name: string, select: string[], extra: Partial<PipelineServiceSpec> = {}) =>
    worker(
      `scheduler-${name}`,
      script("scheduler.py", true, "loop", `--name=${schedulerName(name)}`, ...select),
      {
        resources: scheduler,
        probe: probe.http(8080, "/health"),
        ...extra,
      },
    );
  const { schedulers } = input;
  const archive = schedulers.credentials === "archive";
  const lavaEnv: ServiceEnv[] = [
    { name: "KCI_INSTANCE", value: input.instance },
    { name: "KCI_INSTANCE_CALLBACK", value: `https://${input.callbackHost}` },
  ];
  return [
    ...(schedulers.shell
      ? [
          service("shell", ["--runtimes", "shell"], {
            optionalFiles: [{ key: secretKeys.sshKey, dir: paths.sshKey, file: secretKeys.sshKey }],
            env: [{ name: "KCI_SSH_KEY", value: `${paths.sshKey}/${secretKeys.sshKey}` }],
            credentialsArchive: archive,
          }),
        ]
      : []),
    ...(schedulers.docker ? [service("docker", ["--runtimes", "docker"])] : []),
    ...(schedulers.kubernetes
      ? [
          service(
            "k8s",
            ["--runtime-type=kubernetes"],
            archive
              ? { credentialsArchive: true }
              : // Without secrets.buildKubeconfig it reaches only its own cluster.
                { optionalFiles: [{ key: secretKeys.kubeconfig, dir: paths.kubeconfig, file: "config" }] },
          ),
        ]
      : []),
    ...schedulers.lava.map((group) =>
      service(
        group.name,
        group.runtimeTypes
          ? ["--runtime-type", ...group.runtimeTypes]
          : ["--runtimes", ...(group.labs ?? [])],
        { env: lavaEnv },
      ),
    ),
  ];
}

/** kube/aks/lava-callback.yaml: uvicorn from the image's pipeline checkout, behind the proxy. */
function lavaCallbackService(input: PipelineServicesInput): PipelineServiceSpec {
  return {
    name: "lava-callback",
    image: "lavaCallback",
    // The image holds the pipeline checkout in /home/kernelci; lava_callback.py reads config/
    // relative to its working directory.
    workingDir: paths.home,
    command: ["uvicorn"],
    args: [
      "--app-dir",
      "src",
      "lava_callback:app",
      "--host=0.0.0.0",
      "--port=8000",
      "--proxy-headers",
      "--forwarded-allow-ips=*",
    ],
    env: [{ name: "KCI_SETTINGS", value: settingsFile }],
    resources: small,
    probe: probe.tcp(8000),
    mountsConfig: true,
    secrets: [secretKeys.settings],
    // LAVA posts whole job logs: api-pipeline-deploy.sh raises the pipeline controller's
    // proxy-body-size to 128m.
    http: {
      port: 8000,
      host: input.callbackHost,
      annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "128m" },
    },
  };
}

/**
 * The services of the pipeline namespace, as data: the pipeline component turns each entry into
 * a Deployment (and a Service and Ingress when it serves HTTP). Command lines follow
 * kernelci-pipeline's kube/aks/*.yaml; services only its docker-compose files run (job-retry,
 * scheduler-docker) are switched on per stack.
 */
export function pipelineServices(input: PipelineServicesInput): PipelineServiceSpec[] {
  // Workers have no health endpoint: they are useful only while the API answers.
  const apiAnswers = probe.exec(
    "python3",
    "-c",
    `import urllib.request; urllib.request.urlopen("${input.apiUrl}/", timeout=5)`,
  );
  const worker: Worker = (name, command, extra = {}) => ({
    name,
    image: "pipeline",
    command,
    resources: small,
    probe: apiAnswers,
    mountsConfig: true,
    secrets: [secretKeys.settings],
    ...extra,
  });
  return [
    worker("trigger", script("trigger.py", true, "run", `--trees=${input.trees}`, "--name=trigger")),
    worker("tarball", script("tarball.py", true, "run", "--name=tarball"), {
      resources: heavy,
      volume: {
        kind: "persistent",
        mountPath: paths.kernelSource.replace(/\/linux$/, ""),
        size: input.tarballVolumeSize,
      },
    }),
    worker("patchset", script("patchset.py", true, "run", "--name=patchset"), {
      resources: heavy,
      volume: { kind: "scratch", mountPath: paths.data },
    }),
    ...schedulerServices(input, worker),
    ...(["timeout", "closing", "holdoff"] as const).map((mode) =>
      worker(mode, script("timeout.py", true, "run", `--mode=${mode}`)),
    ),
    ...(input.jobRetry ? [worker("job-retry", script("job_retry.py", true, "run"))] : []),
    worker("monitor", script("monitor.py", true, "run")),
    ...(input.kcidb
      ? [
          // send_kcidb takes no --yaml-config upstream (kube/aks/pipeline-kcidb.yaml).
          worker("pipeline-kcidb", script("send_kcidb.py", false, "run", "--name=pipeline_kcidb"), {
            mountsConfig: false,
            resources: resources("1Gi", "500m", "2Gi", "1"),
            secrets: [secretKeys.settings, secretKeys.kcidbCredentials],
            env: [
              { name: "KCIDB_REST", secretKey: secretKeys.kcidbRest },
              {
                name: "GOOGLE_APPLICATION_CREDENTIALS",
                value: `${paths.settings}/${secretKeys.kcidbCredentials}`,
              },
            ],
          }),
        ]
      : []),
    lavaCallbackService(input),
  ];
}
