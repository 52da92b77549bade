import type { Environment } from "./environment";
import { type CheckedResource, describe, podContainers } from "./workloads";

const pinned = /@sha256:[0-9a-f]{64}$/;

/**
 * Production runs exactly the images that were built and tested: every container image is
 * pinned by digest (`name@sha256:…`), so a pushed tag cannot change what runs.
 */
export function imagesPinnedByDigest(resource: CheckedResource, environment: Environment): string[] {
  if (environment !== "production") return [];
  return podContainers(resource)
    .filter((c) => !pinned.test(String(c.spec?.image ?? "")))
    .map(
      (c) =>
        `${describe(resource)}: container "${c.name}" runs image "${c.spec?.image}", not pinned by digest (expected name@sha256:<64 hex>)`,
    );
}
