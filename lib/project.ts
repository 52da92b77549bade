import * as path from "node:path";

/** The project's directory (where Pulumi.yaml is): relative paths of the configuration start here. */
export const projectRoot = path.resolve(__dirname, "..");

/** A Git remote written as a URL (`https://`, `file://`, `ssh://`) or in scp form (`git@host:path`). */
export function isRemoteUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^:]+:/i.test(location);
}

/** A configured path or remote: URLs and absolute paths as they are, relative paths from `base`. */
export function resolveLocation(location: string, base: string = projectRoot): string {
  return isRemoteUrl(location) || path.isAbsolute(location) ? location : path.resolve(base, location);
}
