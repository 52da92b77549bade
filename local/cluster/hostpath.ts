import * as fs from "node:fs";
import * as path from "node:path";
import type * as k8s from "@kubernetes/client-node";

/**
 * A dynamic provisioner of hostPath PersistentVolumes for the local cluster: each claim of its
 * StorageClass gets a directory under `root` and a PersistentVolume bound to that claim (the
 * controller-manager completes the binding); a released volume's directory and object go.
 */
export const provisionerName = "kernelci.org/hostpath";
export const provisionedBy = "pv.kubernetes.io/provisioned-by";

export interface VolumePlan {
  create: k8s.V1PersistentVolume[];
  /** Released volumes of this provisioner: their directory and object to delete. */
  release: { name: string; dir: string }[];
}

/** Pure: the volumes to create for unbound claims of `storageClass`, and those to release. */
export function planVolumes(
  claims: k8s.V1PersistentVolumeClaim[],
  volumes: k8s.V1PersistentVolume[],
  storageClass: string,
  root: string,
): VolumePlan {
  const claimed = new Set(volumes.map((v) => v.spec?.claimRef?.uid).filter(Boolean));
  const create = claims
    .filter(
      (c) =>
        c.spec?.storageClassName === storageClass &&
        !c.spec.volumeName &&
        c.metadata?.uid !== undefined &&
        !claimed.has(c.metadata.uid) &&
        c.metadata.deletionTimestamp === undefined,
    )
    .map((c) => volumeFor(c, storageClass, root));
  const release = volumes
    .filter(
      (v) =>
        v.metadata?.annotations?.[provisionedBy] === provisionerName &&
        v.status?.phase === "Released" &&
        v.spec?.persistentVolumeReclaimPolicy === "Delete",
    )
    .map((v) => ({ name: v.metadata?.name as string, dir: v.spec?.hostPath?.path as string }));
  return { create, release };
}

function volumeFor(
  claim: k8s.V1PersistentVolumeClaim,
  storageClass: string,
  root: string,
): k8s.V1PersistentVolume {
  const { namespace, name, uid } = claim.metadata as { namespace: string; name: string; uid: string };
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `pvc-${uid}`, annotations: { [provisionedBy]: provisionerName } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? "1Gi" },
      accessModes: claim.spec?.accessModes ?? ["ReadWriteOnce"],
      volumeMode: claim.spec?.volumeMode ?? "Filesystem",
      storageClassName: storageClass,
      persistentVolumeReclaimPolicy: "Delete",
      hostPath: {
        path: path.join(root, `${namespace}-${name}-${uid.slice(0, 8)}`),
        type: "DirectoryOrCreate",
      },
      claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name, uid },
    },
  };
}

/** The default StorageClass this provisioner serves. */
export function storageClass(name: string): k8s.V1StorageClass {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: provisionerName,
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  };
}

/** One pass: creates the directories and volumes planned, removes the released ones. */
export async function reconcileVolumes(
  core: k8s.CoreV1Api,
  className: string,
  root: string,
  log: (message: string) => void,
): Promise<void> {
  const [claims, volumes] = await Promise.all([
    core.listPersistentVolumeClaimForAllNamespaces(),
    core.listPersistentVolume(),
  ]);
  const plan = planVolumes(claims.items, volumes.items, className, root);
  for (const volume of plan.create) {
    fs.mkdirSync(volume.spec?.hostPath?.path as string, { recursive: true });
    await core.createPersistentVolume({ body: volume });
    const ref = volume.spec?.claimRef;
    log(
      `provisioned ${volume.metadata?.name} at ${volume.spec?.hostPath?.path} for ${ref?.namespace}/${ref?.name}`,
    );
  }
  for (const { name, dir } of plan.release) {
    // Only directories it made itself, under its root.
    if (path.dirname(dir) === root) fs.rmSync(dir, { recursive: true, force: true });
    await core.deletePersistentVolume({ name });
    log(`deleted released ${name} and ${dir}`);
  }
}
