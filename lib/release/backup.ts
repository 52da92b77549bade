/**
 * Names of the Mongo backup taken before a release's drain, as pure functions. Upstream dumps
 * with `mongodump --uri=... --archive=... --gzip` (kernelci-deploy
 * kubernetes/api-pipeline-deploy.sh, `backup-mongo`, at commit
 * 1a87a9b21c830502f32c359ec6527b9f53fd5f0f); here the archive is named after the release, so
 * a rollback to the previous release knows which archive to restore.
 */

/** A Kubernetes object name (DNS label, at most 63 characters) from any release name. */
export function dnsLabel(text: string, max = 63): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, max)
    .replace(/-+$/, "");
  if (!label) throw new Error(`"${text}" gives no usable Kubernetes name`);
  return label;
}

export interface BackupNames {
  /** The Job's name: one Job per release. */
  job: string;
  /** The archive's file name on the backup volume. */
  archive: string;
}

export function backupNames(release: string): BackupNames {
  const archive = `${release.replace(/[^A-Za-z0-9._-]+/g, "_")}.archive.gz`;
  return { job: dnsLabel(`mongo-backup-${release}`), archive };
}

/** The shell command of the Job: dump to a temporary name, then rename, so a half-written archive never has the release's name. */
export function dumpCommand(dir: string, archive: string): string {
  const target = `${dir}/${archive}`;
  return `set -e; mongodump --uri="$MONGO_URI" --gzip --archive="${target}.partial"; mv "${target}.partial" "${target}"; ls -l "${target}"`;
}
