import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The nearest directory above `from` that holds package.json: the project's directory, the
 * same from the TypeScript sources (tests) and from the compiled JavaScript under dist/.
 */
export function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: not inside this project`);
  }
}

/** The project's directory (where Pulumi.yaml is): relative paths of the configuration start here. */
export const projectRoot = findProjectRoot(__dirname);

/** A Git remote written as a URL (`https://`, `file://`, `ssh://`) or in scp form (`git@host:path`). */
export function isRemoteUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^:]+:/i.test(location);
}

/** A configured path or remote: URLs and absolute paths as they are, relative paths from `base`. */
export function resolveLocation(location: string, base: string = projectRoot): string {
  return isRemoteUrl(location) || path.isAbsolute(location) ? location : path.resolve(base, location);
}
