import * as fs from "node:fs";
import * as path from "node:path";
import { digestFiles, listFiles } from "../fileDigest";

const isPatch = (name: string) => /\.(patch|mbx)$/.test(name);

/** Local patch files under `dir` (recursive, `*.patch` and `*.mbx`), sorted by relative path. */
export function listPatches(dir: string | undefined): string[] {
  if (!dir || !fs.existsSync(dir)) return [];
  return listFiles(dir, isPatch).map((rel) => path.join(dir, rel));
}

/** A digest of the patches' names and contents: it changes when any patch is added, removed or edited. */
export function patchesDigest(dir: string | undefined): string {
  return digestFiles(dir ?? "", !dir || !fs.existsSync(dir) ? [] : listFiles(dir, isPatch));
}
