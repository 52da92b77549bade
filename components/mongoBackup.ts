import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { backupNames, dumpCommand } from "../lib/release/backup";
import { labels, resources, secret } from "./workload";

export interface MongoBackupArgs {
  namespace: string;
  /** The release the backup is named after. */
  release: pulumi.Input<string>;
  image: string;
  /** The database's URI (a secret): it goes into a Secret only. */
  mongoUri: pulumi.Output<string>;
  /** An existing claim to write to; otherwise `mongo-backups` of `size` is made. */
  claim?: string;
  size: string;
  storageClass?: string;
  /** What must be done first (images built). */
  after?: pulumi.Input<pulumi.Resource>[];
}

const mountPath = "/backup";

/** The Job's manifest: one pod, no retry (a failed dump stops the update, to be looked at). */
export function backupJobSpec(
  names: pulumi.Output<{ job: string; archive: string }>,
  args: Pick<MongoBackupArgs, "namespace" | "image">,
  claim: pulumi.Input<string>,
  secretName: pulumi.Input<string>,
): k8s.types.input.batch.v1.Job {
  return {
    metadata: { name: names.job, namespace: args.namespace, labels: labels("mongo-backup") },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels: labels("mongo-backup") },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "mongodump",
              image: args.image,
              command: names.archive.apply((archive) => ["sh", "-c", dumpCommand(mountPath, archive)]),
              env: [{ name: "MONGO_URI", valueFrom: { secretKeyRef: { name: secretName, key: "uri" } } }],
              volumeMounts: [{ name: "backup", mountPath }],
              resources: resources("512Mi", "250m", "2Gi", "1"),
            },
          ],
          volumes: [{ name: "backup", persistentVolumeClaim: { claimName: claim } }],
        },
      },
    },
  };
}

/**
 * A mongodump of the API database before the drain, named after the release (docs/ says how
 * to restore it). The engine waits for the Job to complete and fails `up` if it fails, so
 * nothing after it (drain, rollout) happens.
 */
export class MongoBackup extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;
  readonly archive: pulumi.Output<string>;

  constructor(name: string, args: MongoBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:release:MongoBackup", name, {}, opts);
    const parent = { parent: this };
    const uri = secret(
      `${name}-uri`,
      { namespace: args.namespace, app: "mongo-backup", data: args.mongoUri.apply((u) => ({ uri: u })) },
      parent,
    );
    const claim =
      args.claim ??
      new k8s.core.v1.PersistentVolumeClaim(
        `${name}-volume`,
        {
          metadata: { name: "mongo-backups", namespace: args.namespace, labels: labels("mongo-backup") },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: args.storageClass,
            resources: { requests: { storage: args.size } },
          },
        },
        // A new release must never take the old backups with it.
        { ...parent, retainOnDelete: true },
      ).metadata.name;
    const names = pulumi.output(args.release).apply(backupNames);
    this.job = new k8s.batch.v1.Job(name, backupJobSpec(names, args, claim, uri.metadata.name), {
      ...parent,
      dependsOn: args.after,
    });
    this.archive = names.archive;
    this.registerOutputs({ archive: this.archive });
  }
}
