import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Local patch files under `dir` (recursive, `*.patch` and `*.mbx`), sorted by relative path. */
export function listPatches(dir: string | undefined): string[] {
  if (!dir || !fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(patch|mbx)$/.test(entry.name)) found.push(full);
    }
  };
  walk(dir);
  const rel = (file: string) => path.relative(dir, file).split(path.sep).join("/");
  return found.sort((a, b) => (rel(a) < rel(b) ? -1 : rel(a) > rel(b) ? 1 : 0));
}

/** A digest of the patches' names and contents: it changes when any patch is added, removed or edited. */
export function patchesDigest(dir: string | undefined): string {
  const hash = createHash("sha256");
  for (const file of listPatches(dir)) {
    hash.update(
      path
        .relative(dir as string, file)
        .split(path.sep)
        .join("/"),
    );
    hash.update("\0");
    hash.update(fs.readFileSync(file));
    hash.update("\0");
  }
  return `sha256:${hash.digest("hex")}`;
}
