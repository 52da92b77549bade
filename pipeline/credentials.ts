import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels, resources } from "../components/workload";
import { credentialsArchive, paths } from "./services";

type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/**
 * What a pod needs to use the credentials archive as upstream's schedulers do
 * (kernelci-pipeline kube/aks/scheduler-k8s.yaml): an init container `credentials` unpacks the
 * archive of Secret `secretName` into scratch space, mounted at ~/secrets and, by sub-path, at
 * ~/.kube, ~/.config/gcloud and ~/.azure.
 */
export function credentialsArchivePod(
  image: pulumi.Input<string>,
  secretName: pulumi.Input<string>,
): { initContainer: Container; volumes: Volume[]; mounts: VolumeMount[] } {
  const archiveDir = "/tmp/k8s";
  const unpacked = "/tmp/secrets";
  return {
    initContainer: {
      name: "credentials",
      image,
      command: ["tar", "xzf", `${archiveDir}/${credentialsArchive.key}`, "-C", unpacked],
      volumeMounts: [
        { name: "tmpsecrets", mountPath: unpacked },
        { name: "k8scredentials", mountPath: archiveDir, readOnly: true },
      ],
      resources: resources("64Mi", "50m", "128Mi", "200m"),
    },
    volumes: [
      {
        name: "k8scredentials",
        secret: { secretName, items: [{ key: credentialsArchive.key, path: credentialsArchive.key }] },
      },
      { name: "tmpsecrets", emptyDir: {} },
    ],
    mounts: [
      { name: "tmpsecrets", mountPath: paths.credentials },
      ...credentialsArchive.homeDirs.map((dir) => ({
        name: "tmpsecrets",
        mountPath: `${paths.home}/${dir}`,
        subPath: `${credentialsArchive.root}/${dir}`,
      })),
    ],
  };
}

/** Upstream's `k8scredentials` Secret: the archive (base64) under its key; empty until configured. */
export function credentialsArchiveSecret(
  name: string,
  namespace: pulumi.Input<string>,
  archive: pulumi.Output<string | undefined> | undefined,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    name,
    {
      metadata: { name: credentialsArchive.secret, namespace, labels: labels(credentialsArchive.secret) },
      // platformRules requires the archive whenever a service uses it.
      data: {
        [credentialsArchive.key]: pulumi.secret(archive ?? pulumi.output(undefined)).apply((v) => v ?? ""),
      },
    },
    opts,
  );
}
