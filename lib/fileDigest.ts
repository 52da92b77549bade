import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The files under `dir` (recursive) whose name passes `include`, as `/`-separated relative paths, sorted. */
export function listFiles(dir: string, include: (name: string) => boolean = () => true): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && include(entry.name)) found.push(child);
    }
  };
  walk("");
  // Code-point order, not localeCompare: the digest must not depend on the machine's locale.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A digest of files' relative paths and contents: it changes when one is added, removed or edited. */
export function digestFiles(dir: string, files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const rel of files) {
    hash.update(`${rel}\0`);
    hash.update(fs.readFileSync(path.join(dir, rel)));
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex")}`;
}
