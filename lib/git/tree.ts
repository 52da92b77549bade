import { simpleGit } from "simple-git";

/**
 * The files under `dir` of `commit` in the repository at `repoDir`, path relative to `dir` ->
 * content, read from git's objects (no checkout needed).
 */
export async function readTreeFiles(
  repoDir: string,
  commit: string,
  dir: string,
): Promise<Record<string, string>> {
  const git = simpleGit(repoDir);
  const prefix = `${dir.replace(/\/+$/, "")}/`;
  const listing = await git.raw(["ls-tree", "-r", "-z", "--name-only", commit, "--", prefix]);
  const files: Record<string, string> = {};
  for (const file of listing.split("\0").filter(Boolean)) {
    files[file.slice(prefix.length)] = await git.show([`${commit}:${file}`]);
  }
  if (Object.keys(files).length === 0) {
    throw new Error(`No files under ${prefix} at ${commit} in ${repoDir}`);
  }
  return files;
}
