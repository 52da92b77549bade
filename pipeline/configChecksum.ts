import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/** Pod template annotations carrying the checksum of what the pod mounts. */
export const checksumAnnotations = {
  config: "kernelci.org/config-checksum",
  secrets: "kernelci.org/secrets-checksum",
} as const;

/**
 * A digest of the files a pod mounts (file name -> content), independent of key order. Put on
 * the pod template, it changes exactly when a mounted file changes, so Kubernetes restarts
 * exactly the pods that use a changed file.
 */
export function configChecksum(files: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const key of Object.keys(files).sort()) {
    // Length prefixes keep {"a": "bc"} and {"ab": "c"} apart.
    hash.update(`${key.length}:${key}${files[key].length}:${files[key]}`);
  }
  return hash.digest("hex");
}

/**
 * The checksum of secret files, as a plain value. A SHA-256 of files holding random tokens tells
 * nothing about them; left secret, it would make the whole pod spec secret, and preview would
 * show every Deployment diff as [secret].
 */
export function secretChecksum(files: pulumi.Output<Record<string, string>>): pulumi.Output<string> {
  return pulumi.unsecret(files.apply(configChecksum));
}
