import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { simpleGit } from "simple-git";
import { DEFAULT_GIT_TIMEOUT_MS } from "./repo";

/**
 * The files under `dir` of `commit` in the repository at `repoDir`, path relative to `dir` ->
 * content, read from git's objects (no checkout needed).
 */
export async function readTreeFiles(
  repoDir: string,
  commit: string,
  dir: string,
): Promise<Record<string, string>> {
  const git = simpleGit({ baseDir: repoDir, timeout: { block: DEFAULT_GIT_TIMEOUT_MS } });
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

/**
 * Writes the tree of `commit` to `destDir` (replacing what was there), as a build context.
 * A marker next to it records the commit, so asking again for the same one costs nothing.
 */
export async function exportTree(
  repoDir: string,
  commit: string,
  destDir: string,
  timeoutMs = DEFAULT_GIT_TIMEOUT_MS,
): Promise<string> {
  const marker = `${destDir}.commit`;
  if (fs.existsSync(destDir) && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === commit)
    return destDir;
  fs.rmSync(destDir, { recursive: true, force: true });
  fs.mkdirSync(destDir, { recursive: true });
  const archive = spawn("git", ["-C", repoDir, "archive", commit], { stdio: ["ignore", "pipe", "pipe"] });
  const tar = spawn("tar", ["-x", "-C", destDir], { stdio: ["pipe", "ignore", "pipe"] });
  archive.stdout.pipe(tar.stdin);
  let errors = "";
  for (const child of [archive, tar]) child.stderr.on("data", (d) => (errors += d));
  const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on("close", resolve));
  const deadline = setTimeout(() => {
    errors += `stopped after ${timeoutMs} ms\n`;
    for (const child of [archive, tar]) child.kill("SIGKILL");
  }, timeoutMs);
  const codes = await Promise.all([exited(archive), exited(tar)]).finally(() => clearTimeout(deadline));
  if (codes.some((code) => code !== 0)) {
    throw new Error(
      `Exporting ${commit} of ${repoDir} to ${destDir} failed: ${errors.trim() || codes.join(", ")}`,
    );
  }
  fs.writeFileSync(marker, commit);
  return destDir;
}
