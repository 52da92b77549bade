import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;
type Volume = k8s.types.input.core.v1.Volume;

/** Requests and limits of one container: every container states both. */
export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export function resources(memory: string, cpu: string, memoryLimit = memory, cpuLimit = cpu): Resources {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/** How a container tells it is ready; liveness reuses it with more patience. */
export const probe = {
  http: (port: number, path = "/"): Probe => ({ httpGet: { port, path } }),
  tcp: (port: number): Probe => ({ tcpSocket: { port } }),
  exec: (...command: string[]): Probe => ({ exec: { command } }),
};

export interface ContainerSpec {
  name: string;
  image: pulumi.Input<string>;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: k8s.types.input.core.v1.EnvVar[];
  ports?: number[];
  volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
  resources: Resources;
  probe: Probe;
  /** Seconds before the first liveness check (slow starters: Jenkins, MongoDB). */
  startupSeconds?: number;
}

/** A container with the defaults every container of an environment shares. */
export function container(spec: ContainerSpec): Container {
  const startup = spec.startupSeconds ?? 10;
  return {
    name: spec.name,
    image: spec.image,
    command: spec.command,
    args: spec.args,
    workingDir: spec.workingDir,
    env: spec.env,
    ports: spec.ports?.map((containerPort) => ({ containerPort })),
    volumeMounts: spec.volumeMounts,
    resources: spec.resources,
    readinessProbe: { ...spec.probe, initialDelaySeconds: 5, periodSeconds: 10 },
    livenessProbe: { ...spec.probe, initialDelaySeconds: startup, periodSeconds: 30, failureThreshold: 5 },
  };
}

export const labels = (app: string) => ({
  "app.kubernetes.io/name": app,
  "app.kubernetes.io/part-of": "kernelci",
});

/** An environment variable read from a key of a Kubernetes Secret. */
export const fromSecret = (name: string, secret: pulumi.Input<string>, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

export interface PodArgs {
  namespace: pulumi.Input<string>;
  /** The Kubernetes name (metadata.name) and app label. */
  app: string;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  /** Pod template annotations: a change restarts the pods (config checksums). */
  podAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

function podTemplate(args: PodArgs): k8s.types.input.core.v1.PodTemplateSpec {
  return {
    metadata: { labels: labels(args.app), annotations: args.podAnnotations },
    spec: { containers: args.containers, initContainers: args.initContainers, volumes: args.volumes },
  };
}

export interface DeploymentArgs extends PodArgs {
  /** Recreate: never two pods at once (in-memory state, a ReadWriteOnce volume). */
  recreate?: boolean;
}

export function deployment(
  name: string,
  args: DeploymentArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.Deployment {
  return new k8s.apps.v1.Deployment(
    name,
    {
      metadata: { name: args.app, namespace: args.namespace, labels: labels(args.app) },
      spec: {
        replicas: 1,
        strategy: { type: args.recreate ? "Recreate" : "RollingUpdate" },
        selector: { matchLabels: labels(args.app) },
        template: podTemplate(args),
      },
    },
    opts,
  );
}

/** The spec of a ReadWriteOnce volume claim. */
function claimSpec(size: pulumi.Input<string>, storageClass?: pulumi.Input<string>) {
  return {
    accessModes: ["ReadWriteOnce"],
    storageClassName: storageClass,
    resources: { requests: { storage: size } },
  };
}

/** A ReadWriteOnce volume claim, kept when the resource is deleted: it holds data. */
export function persistentVolumeClaim(
  name: string,
  args: {
    namespace: pulumi.Input<string>;
    claimName: string;
    size: pulumi.Input<string>;
    storageClass?: pulumi.Input<string>;
    labels?: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaim {
  return new k8s.core.v1.PersistentVolumeClaim(
    name,
    {
      metadata: { name: args.claimName, namespace: args.namespace, labels: args.labels },
      spec: claimSpec(args.size, args.storageClass),
    },
    { ...opts, retainOnDelete: true },
  );
}

/** A Deployment or a StatefulSet: what a component runs. */
export type Workload = k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;

/** A deployed service as the environment reports it: its name, namespace and image. */
export interface DeployedService {
  name: string;
  namespace: string;
  image: string;
}

/** The services that workloads run, read from their own outputs (the first container's image). */
export function deployedServices(workloads: Workload[]): pulumi.Output<DeployedService[]> {
  const one = (w: Workload) =>
    pulumi
      .all([w.metadata, pulumi.output(w.spec as pulumi.Output<k8s.types.output.apps.v1.DeploymentSpec>)])
      .apply(([metadata, spec]) => ({
        name: metadata.name,
        namespace: metadata.namespace,
        image: spec.template.spec.containers[0].image,
      }));
  return pulumi.all(workloads.map(one));
}

export interface StatefulSetArgs extends PodArgs {
  /** One ReadWriteOnce volume per pod, kept when the StatefulSet is deleted. */
  volumeClaims: { name: string; size: string; storageClass?: string }[];
}

export function statefulSet(
  name: string,
  args: StatefulSetArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.StatefulSet {
  return new k8s.apps.v1.StatefulSet(
    name,
    {
      metadata: { name: args.app, namespace: args.namespace, labels: labels(args.app) },
      spec: {
        replicas: 1,
        serviceName: args.app,
        selector: { matchLabels: labels(args.app) },
        template: podTemplate(args),
        volumeClaimTemplates: args.volumeClaims.map((claim) => ({
          metadata: { name: claim.name },
          spec: claimSpec(claim.size, claim.storageClass),
        })),
      },
    },
    opts,
  );
}

export function service(
  name: string,
  args: { namespace: pulumi.Input<string>; app: string; port: number; targetPort?: number },
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    name,
    {
      metadata: { name: args.app, namespace: args.namespace, labels: labels(args.app) },
      spec: {
        selector: labels(args.app),
        ports: [{ port: args.port, targetPort: args.targetPort ?? args.port }],
      },
    },
    opts,
  );
}

/** The arguments of a one-pod store's component (Redis, MongoDB). */
export interface StoreArgs {
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  /** Its data volume. */
  size: string;
  storageClass?: string;
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
}

/** What a one-pod store needs besides its component's arguments: its container, data path and port. */
export interface OnePodStoreArgs extends Omit<StoreArgs, "image"> {
  app: string;
  /** The container, but its name, ports and data volume (mounted at `dataPath`). */
  container: Omit<ContainerSpec, "name" | "ports" | "volumeMounts">;
  dataPath: string;
  port: number;
}

/**
 * A store of one pod: a StatefulSet whose data volume outlives it, created after `rolloutAfter`,
 * and its Service, both parented to `parent`. Returns the StatefulSet.
 */
export function onePodStore(name: string, args: OnePodStoreArgs, parent: pulumi.Resource): Workload {
  const { namespace, app, port } = args;
  const workload = statefulSet(
    name,
    {
      namespace,
      app,
      containers: [
        container({
          ...args.container,
          name: app,
          ports: [port],
          volumeMounts: [{ name: "data", mountPath: args.dataPath }],
        }),
      ],
      volumeClaims: [{ name: "data", size: args.size, storageClass: args.storageClass }],
    },
    { parent, dependsOn: args.rolloutAfter },
  );
  service(name, { namespace, app, port }, { parent });
  return workload;
}

export interface IngressArgs {
  namespace: pulumi.Input<string>;
  app: string;
  host: string;
  /** Further host names served by the same Ingress and certificate. */
  aliases?: string[];
  port: number;
  tlsIssuer: string;
  ingressClass: string;
  annotations?: Record<string, string>;
}

/**
 * A Service reachable over HTTPS at `host`: the Service, and an Ingress with a certificate
 * from the cluster's cert-manager issuer.
 */
export function publicService(
  name: string,
  args: IngressArgs,
  opts: pulumi.CustomResourceOptions,
): { resources: pulumi.CustomResource[]; url: string } {
  const svc = service(name, { namespace: args.namespace, app: args.app, port: args.port }, opts);
  const hosts = [args.host, ...(args.aliases ?? [])];
  const entry = new k8s.networking.v1.Ingress(
    name,
    {
      metadata: {
        name: args.app,
        namespace: args.namespace,
        labels: labels(args.app),
        annotations: { "cert-manager.io/cluster-issuer": args.tlsIssuer, ...args.annotations },
      },
      spec: {
        ingressClassName: args.ingressClass,
        tls: [{ hosts: hosts, secretName: `${args.app}-tls` }],
        rules: hosts.map((host) => ({
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: args.app, port: { number: args.port } } },
              },
            ],
          },
        })),
      },
    },
    opts,
  );
  return { resources: [svc, entry], url: `https://${args.host}/` };
}

/** A Kubernetes Secret: the only kind of resource a secret value may go into. */
export function secret(
  name: string,
  args: {
    namespace: pulumi.Input<string>;
    app: string;
    data: pulumi.Input<Record<string, pulumi.Input<string>>>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: args.app, namespace: args.namespace, labels: labels(args.app) },
      stringData: args.data,
    },
    opts,
  );
}

/**
 * An init container that holds the pod until `url` answers (or, for tcp://host:port, accepts a
 * connection). It runs the pod's own image, which has Python, so no other image is pulled.
 * Init containers may not have probes; they do state their resources.
 */
export function waitFor(what: string, image: pulumi.Input<string>, url: pulumi.Input<string>): Container {
  const check =
    "import socket,sys,urllib.parse,urllib.request\n" +
    "u=urllib.parse.urlparse(sys.argv[1])\n" +
    "socket.create_connection((u.hostname,u.port),5).close() if u.scheme=='tcp' else urllib.request.urlopen(u.geturl(),timeout=5)";
  return {
    name: `wait-for-${what}`,
    image,
    command: ["sh", "-c", `until python3 -c "$0" "$1"; do echo "waiting for $1"; sleep 5; done`, check, url],
    resources: resources("64Mi", "50m", "128Mi", "200m"),
  };
}
