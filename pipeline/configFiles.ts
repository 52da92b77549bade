import * as fs from "node:fs";
import * as path from "node:path";

/** The files of a kernelci-pipeline config/ directory, relative path -> content. */
export function readConfigDirectory(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8");
  }
  return files;
}
