import * as path from "node:path";

/**
 * `root` joined with `parts`, resolved, and refused when the result is not strictly inside
 * `root` (`..`, absolute parts, a name that resolves to the root itself): what the engines
 * create, clean or delete must stay in their working directory.
 */
export function pathInside(root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  const full = path.resolve(base, ...parts);
  const rel = path.relative(base, full);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new Error(`${parts.join("/")} resolves to ${full}, outside the working directory ${base}`);
  }
  return full;
}
