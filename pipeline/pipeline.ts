import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  container,
  deployment,
  fromSecret,
  labels,
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

/**
 * The kernelci-pipeline namespace, one Deployment per entry of the service table. Each pod
 * carries checksums of exactly what it mounts, so a config-only change restarts exactly the pods
 * that read it. The trigger is created and updated last: it starts new checkouts, which only
 * makes sense once every other service and the API run the new revision.
 */
export class Pipeline extends pulumi.ComponentResource {
  readonly trigger: k8s.apps.v1.Deployment;
  readonly callbackUrl: string | undefined;

  constructor(name: string, args: PipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:pipeline:Pipeline", name, {}, opts);
    const ns = args.namespace;
    const entries = pulumi.output(args.configFiles).apply(configMapEntries);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: objectNames.config, namespace: ns, labels: labels(objectNames.config) },
        data: entries.data,
      },
      { parent: this },
    );
    const pipelineSecret = secret(
      `${name}-secrets`,
      {
        namespace: ns,
        app: objectNames.secrets,
        data: args.secretData as pulumi.Output<Record<string, string>>,
      },
      { parent: this },
    );
    const tokenSecret = secret(
      `${name}-api-token`,
      { namespace: ns, app: objectNames.apiToken, data: { [apiTokenKey]: args.apiToken } },
      { parent: this },
    );
    const configSum = pulumi.output(args.configFiles).apply(configChecksum);
    const archiveSecret = args.services.some((spec) => spec.credentialsArchive)
      ? credentialsArchiveSecret(`${name}-credentials`, ns, args.credentialsArchive, { parent: this })
      : undefined;
    const created: pulumi.Resource[] = [
      configMap,
      pipelineSecret,
      tokenSecret,
      ...(archiveSecret ? [archiveSecret] : []),
    ];
    let trigger: k8s.apps.v1.Deployment | undefined;
    let callbackUrl: string | undefined;

    // The trigger goes last, so that it can depend on everything created before it.
    const ordered = [
      ...args.services.filter((spec) => spec.name !== "trigger"),
      ...args.services.filter((spec) => spec.name === "trigger"),
    ];
    for (const spec of ordered) {
      const image = args.images[spec.image];
      const volumes: k8s.types.input.core.v1.Volume[] = [
        {
          name: "settings",
          secret: {
            secretName: pipelineSecret.metadata.name,
            items: spec.secrets.map((key) => ({ key, path: key })),
          },
        },
      ];
      const mounts: k8s.types.input.core.v1.VolumeMount[] = [
        { name: "settings", mountPath: paths.settings, readOnly: true },
      ];
      if (spec.mountsConfig) {
        volumes.push({ name: "config", configMap: { name: configMap.metadata.name, items: entries.items } });
        mounts.push({ name: "config", mountPath: paths.config, readOnly: true });
      }
      (spec.optionalFiles ?? []).forEach((file, i) => {
        volumes.push({
          name: `optional-${i}`,
          secret: {
            secretName: pipelineSecret.metadata.name,
            items: [{ key: file.key, path: file.file }],
            // Not every stack sets it: the directory then stays empty.
            optional: true,
          },
        });
        mounts.push({ name: `optional-${i}`, mountPath: file.dir, readOnly: true });
      });
      const credentials =
        spec.credentialsArchive && archiveSecret
          ? credentialsArchivePod(image, archiveSecret.metadata.name)
          : undefined;
      if (credentials) {
        volumes.push(...credentials.volumes);
        mounts.push(...credentials.mounts);
      }
      if (spec.volume?.kind === "persistent") {
        const claim = new k8s.core.v1.PersistentVolumeClaim(
          `${name}-${spec.name}`,
          {
            metadata: { name: `${spec.name}-data`, namespace: ns, labels: labels(spec.name) },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: args.storageClass,
              resources: { requests: { storage: spec.volume.size } },
            },
          },
          { parent: this, retainOnDelete: true },
        );
        created.push(claim);
        volumes.push({ name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } });
        mounts.push({ name: "data", mountPath: spec.volume.mountPath });
      } else if (spec.volume?.kind === "scratch") {
        volumes.push({ name: "data", emptyDir: {} });
        mounts.push({ name: "data", mountPath: spec.volume.mountPath });
      }
      const envKeys = (spec.env ?? []).flatMap((e) => ("secretKey" in e ? [e.secretKey] : []));
      const optionalKeys = (spec.optionalFiles ?? []).map((file) => file.key);
      const secretSum = secretChecksum(
        pulumi
          .all([
            args.secretData,
            args.apiToken,
            spec.credentialsArchive ? args.credentialsArchive : undefined,
          ])
          .apply(([data, token, archive]) => ({
            ...Object.fromEntries(
              [...spec.secrets, ...envKeys, ...optionalKeys].map((key) => [key, data[key] ?? ""]),
            ),
            [`${objectNames.apiToken}/${apiTokenKey}`]: token,
            ...(archive ? { [`${credentialsArchive.secret}/${credentialsArchive.key}`]: archive } : {}),
          })),
      );
      const isTrigger = spec.name === "trigger";
      const workload = deployment(
        `${name}-${spec.name}`,
        {
          namespace: ns,
          app: spec.name,
          // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
          recreate: spec.volume?.kind === "persistent",
          podAnnotations: {
            [checksumAnnotations.secrets]: secretSum,
            ...(spec.mountsConfig ? { [checksumAnnotations.config]: configSum } : {}),
          },
          initContainers: [
            waitFor("api", image, args.apiUrl),
            ...(credentials ? [credentials.initContainer] : []),
          ],
          containers: [
            container({
              name: spec.name,
              image,
              command: spec.command,
              args: spec.args,
              workingDir: spec.workingDir,
              env: [
                fromSecret("KCI_API_TOKEN", tokenSecret.metadata.name, apiTokenKey),
                ...(spec.env ?? []).map((e) =>
                  "secretKey" in e ? fromSecret(e.name, pipelineSecret.metadata.name, e.secretKey) : e,
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
        {
          parent: this,
          // Everything else first: the trigger is the last resource to change.
          dependsOn: isTrigger
            ? [...created, ...args.triggerAfter, ...(args.rolloutAfter ?? [])]
            : args.rolloutAfter,
        },
      );
      if (isTrigger) {
        trigger = workload;
        continue;
      }
      created.push(workload);
      if (spec.http) {
        const { host, port, annotations } = spec.http;
        const exposed = publicService(
          `${name}-${spec.name}`,
          {
            namespace: ns,
            app: spec.name,
            host,
            port,
            annotations,
            tlsIssuer: args.tlsIssuer,
            ingressClass: args.ingressClass,
          },
          { parent: this },
        );
        created.push(...exposed.resources);
        callbackUrl = exposed.url;
      }
    }
    if (!trigger) throw new Error("the pipeline service table has no trigger");
    this.trigger = trigger;
    this.callbackUrl = callbackUrl;
    this.registerOutputs({ callbackUrl });
  }
}
