import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The checkout's root, where the stack files, fixtures and local state live: the nearest
 * directory above `from` that holds package.json. The same from the TypeScript sources (tests)
 * and from the compiled JavaScript one level deeper under dist/.
 */
export function findProjectRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: not inside this project`);
  }
}

export const projectRoot = findProjectRoot(__dirname);
