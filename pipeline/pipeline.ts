import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  container,
  deployment,
  fromSecret,
  labels,
  persistentVolumeClaim,
  publicService,
  secret,
  waitFor,
} from "../components/workload";
import { checksumAnnotations, configChecksum, secretChecksum } from "./configChecksum";
import { credentialsArchivePod, credentialsArchiveSecret } from "./credentials";
import { apiTokenKey, credentialsArchive, objectNames, type PipelineServiceSpec, paths } from "./services";

/**
 * ConfigMap keys cannot hold "/": nested files of config/ (runtime/kbuild.jinja2) get a flat key
 * and are put back at their path by the volume's items.
 */
export function configMapEntries(files: Record<string, string>): {
  data: Record<string, string>;
  items: { key: string; path: string }[];
} {
  const names = Object.keys(files).sort();
  const key = (file: string) => file.replaceAll("/", "__");
  return {
    data: Object.fromEntries(names.map((file) => [key(file), files[file]])),
    items: names.map((file) => ({ key: key(file), path: file })),
  };
}

export interface PipelineArgs {
  namespace: pulumi.Input<string>;
  services: PipelineServiceSpec[];
  images: Record<PipelineServiceSpec["image"], pulumi.Input<string>>;
  /** The kernelci-pipeline config/ directory of the deployed revision: file name -> content. */
  configFiles: pulumi.Input<Record<string, string>>;
  /** Pipeline Secret content (kernelci.toml, credentials, …): a Pulumi secret. */
  secretData: pulumi.Output<Partial<Record<string, string>>>;
  /** The pipeline's KernelCI API token: a Secret of its own upstream (kernelci-api-token). */
  apiToken: pulumi.Output<string>;
  /** The build-cluster credentials archive, base64 (Secret k8scredentials), for the services that use it. */
  credentialsArchive?: pulumi.Output<string | undefined>;
  apiUrl: pulumi.Input<string>;
  tlsIssuer: string;
  ingressClass: string;
  storageClass?: string;
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
  /** Resources outside the pipeline namespace the trigger must wait for (the API side). */
  triggerAfter: pulumi.Resource[];
}

/** What every service of the pipeline shares: the config ConfigMap, the Secrets, their checksums. */
export interface PipelineShared {
  configMap: k8s.core.v1.ConfigMap;
  secret: k8s.core.v1.Secret;
  tokenSecret: k8s.core.v1.Secret;
  /** Upstream's k8scredentials, when a service unpacks it. */
  archiveSecret?: k8s.core.v1.Secret;
  items: pulumi.Output<{ key: string; path: string }[]>;
  configSum: pulumi.Output<string>;
}

export function createPipelineShared(
  name: string,
  args: PipelineArgs,
  opts: pulumi.CustomResourceOptions,
): PipelineShared {
  const entries = pulumi.output(args.configFiles).apply(configMapEntries);
  const configMap = new k8s.core.v1.ConfigMap(
    `${name}-config`,
    {
      metadata: { name: objectNames.config, namespace: args.namespace, labels: labels(objectNames.config) },
      data: entries.data,
    },
    opts,
  );
  const data = args.secretData as pulumi.Output<Record<string, string>>;
  const token = { [apiTokenKey]: args.apiToken };
  return {
    configMap,
    secret: secret(`${name}-secrets`, { namespace: args.namespace, app: objectNames.secrets, data }, opts),
    tokenSecret: secret(
      `${name}-api-token`,
      { namespace: args.namespace, app: objectNames.apiToken, data: token },
      opts,
    ),
    archiveSecret: args.services.some((spec) => spec.credentialsArchive)
      ? credentialsArchiveSecret(`${name}-credentials`, args.namespace, args.credentialsArchive, opts)
      : undefined,
    items: entries.items,
    configSum: pulumi.output(args.configFiles).apply(configChecksum),
  };
}

export interface ServiceVolumes {
  volumes: k8s.types.input.core.v1.Volume[];
  mounts: k8s.types.input.core.v1.VolumeMount[];
  claim?: k8s.core.v1.PersistentVolumeClaim;
  /** Init containers besides the wait for the API (unpacking the credentials archive). */
  initContainers: k8s.types.input.core.v1.Container[];
}

/** The volumes of one service, where its container mounts them, and the claim it creates (if any). */
export function serviceVolumes(
  name: string,
  spec: PipelineServiceSpec,
  args: PipelineArgs,
  shared: PipelineShared,
  opts: pulumi.CustomResourceOptions,
): ServiceVolumes {
  const secretName = shared.secret.metadata.name;
  const volumes: k8s.types.input.core.v1.Volume[] = [
    { name: "settings", secret: { secretName, items: spec.secrets.map((key) => ({ key, path: key })) } },
  ];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [
    { name: "settings", mountPath: paths.settings, readOnly: true },
  ];
  if (spec.mountsConfig) {
    volumes.push({
      name: "config",
      configMap: { name: shared.configMap.metadata.name, items: shared.items },
    });
    mounts.push({ name: "config", mountPath: paths.config, readOnly: true });
  }
  (spec.optionalFiles ?? []).forEach((file, i) => {
    volumes.push({
      name: `optional-${i}`,
      // Not every stack sets it: the directory then stays empty.
      secret: { secretName, items: [{ key: file.key, path: file.file }], optional: true },
    });
    mounts.push({ name: `optional-${i}`, mountPath: file.dir, readOnly: true });
  });
  const image = args.images[spec.image];
  const credentials =
    spec.credentialsArchive && shared.archiveSecret
      ? credentialsArchivePod(image, shared.archiveSecret.metadata.name)
      : undefined;
  if (credentials) {
    volumes.push(...credentials.volumes);
    mounts.push(...credentials.mounts);
  }
  const initContainers = credentials ? [credentials.initContainer] : [];
  if (spec.volume?.kind === "persistent") {
    const claim = persistentVolumeClaim(
      `${name}-${spec.name}`,
      {
        namespace: args.namespace,
        claimName: `${spec.name}-data`,
        size: spec.volume.size,
        storageClass: args.storageClass,
        labels: labels(spec.name),
      },
      opts,
    );
    volumes.push({ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } });
    mounts.push({ name: "data", mountPath: spec.volume.mountPath });
    return { volumes, mounts, claim, initContainers };
  } else if (spec.volume?.kind === "scratch") {
    volumes.push({ name: "data", emptyDir: {} });
    mounts.push({ name: "data", mountPath: spec.volume.mountPath });
  }
  return { volumes, mounts, initContainers };
}

/** The checksum of exactly the secret content a service reads (mounted files, env, the token). */
function serviceSecretSum(spec: PipelineServiceSpec, args: PipelineArgs): pulumi.Output<string> {
  const envKeys = (spec.env ?? []).flatMap((e) => ("secretKey" in e ? [e.secretKey] : []));
  const optionalKeys = (spec.optionalFiles ?? []).map((file) => file.key);
  const archive = spec.credentialsArchive ? args.credentialsArchive : undefined;
  return secretChecksum(
    pulumi.all([args.secretData, args.apiToken, archive]).apply(([data, token, archived]) => ({
      ...Object.fromEntries(
        [...spec.secrets, ...envKeys, ...optionalKeys].map((key) => [key, data[key] ?? ""]),
      ),
      [`${objectNames.apiToken}/${apiTokenKey}`]: token,
      ...(archived ? { [`${credentialsArchive.secret}/${credentialsArchive.key}`]: archived } : {}),
    })),
  );
}

/** One service's Deployment; each pod carries the checksums of exactly what it mounts. */
export function serviceDeployment(
  name: string,
  spec: PipelineServiceSpec,
  args: PipelineArgs,
  shared: PipelineShared,
  { volumes, mounts, initContainers }: ServiceVolumes,
  opts: pulumi.CustomResourceOptions,
): k8s.apps.v1.Deployment {
  const image = args.images[spec.image];
  const secretSum = serviceSecretSum(spec, args);
  return deployment(
    `${name}-${spec.name}`,
    {
      namespace: args.namespace,
      app: spec.name,
      // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
      recreate: spec.volume?.kind === "persistent",
      podAnnotations: {
        [checksumAnnotations.secrets]: secretSum,
        ...(spec.mountsConfig ? { [checksumAnnotations.config]: shared.configSum } : {}),
      },
      initContainers: [waitFor("api", image, args.apiUrl), ...initContainers],
      containers: [
        container({
          name: spec.name,
          image,
          command: spec.command,
          args: spec.args,
          workingDir: spec.workingDir,
          env: [
            fromSecret("KCI_API_TOKEN", shared.tokenSecret.metadata.name, apiTokenKey),
            ...(spec.env ?? []).map((e) =>
              "secretKey" in e ? fromSecret(e.name, shared.secret.metadata.name, e.secretKey) : e,
            ),
          ],
          ports: spec.http ? [spec.http.port] : undefined,
          volumeMounts: mounts,
          resources: spec.resources,
          probe: spec.probe,
        }),
      ],
      volumes,
    },
    opts,
  );
}

/**
 * Every service of the table, the trigger last: it depends on everything created before it
 * (and on `triggerAfter`), so it is the last resource to change.
 */
export function createPipeline(
  name: string,
  args: PipelineArgs,
  parent: pulumi.Resource,
): { workloads: k8s.apps.v1.Deployment[]; callbackUrl: string | undefined } {
  const shared = createPipelineShared(name, args, { parent });
  const created: pulumi.Resource[] = [
    shared.configMap,
    shared.secret,
    shared.tokenSecret,
    ...(shared.archiveSecret ? [shared.archiveSecret] : []),
  ];
  const workloads: k8s.apps.v1.Deployment[] = [];
  let callbackUrl: string | undefined;
  const trigger = args.services.find((spec) => spec.name === "trigger");
  if (!trigger) throw new Error("the pipeline service table has no trigger");
  for (const spec of args.services.filter((s) => s !== trigger)) {
    const volumes = serviceVolumes(name, spec, args, shared, { parent });
    const workload = serviceDeployment(name, spec, args, shared, volumes, {
      parent,
      dependsOn: args.rolloutAfter,
    });
    workloads.push(workload);
    created.push(...(volumes.claim ? [volumes.claim] : []), workload);
    if (spec.http) {
      const { host, port, annotations } = spec.http;
      const { tlsIssuer, ingressClass, namespace } = args;
      const exposed = publicService(
        `${name}-${spec.name}`,
        { namespace, app: spec.name, host, port, tlsIssuer, ingressClass, annotations },
        { parent },
      );
      created.push(...exposed.resources);
      callbackUrl = exposed.url;
    }
  }
  const dependsOn = [...created, ...args.triggerAfter, ...(args.rolloutAfter ?? [])];
  const volumes = serviceVolumes(name, trigger, args, shared, { parent });
  workloads.push(serviceDeployment(name, trigger, args, shared, volumes, { parent, dependsOn }));
  return { workloads, callbackUrl };
}

/**
 * The kernelci-pipeline namespace, one Deployment per entry of the service table. Each pod
 * carries checksums of exactly what it mounts, so a config-only change restarts exactly the pods
 * that read it. The trigger is created and updated last: it starts new checkouts, which only
 * makes sense once every other service and the API run the new revision.
 */
export class Pipeline extends pulumi.ComponentResource {
  readonly callbackUrl: string | undefined;
  /** The Deployments, the trigger last. */
  readonly workloads: k8s.apps.v1.Deployment[];

  constructor(name: string, args: PipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:pipeline:Pipeline", name, {}, opts);
    const { workloads, callbackUrl } = createPipeline(name, args, this);
    this.workloads = workloads;
    this.callbackUrl = callbackUrl;
    this.registerOutputs({ callbackUrl });
  }
}
