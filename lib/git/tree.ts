import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import { simpleGit } from "simple-git";
import { DEFAULT_GIT_TIMEOUT_MS } from "./repo";

/**
 * The files under `dir` of `commit` in the repository at `repoDir`, path relative to `dir` ->
 * content, read from git's objects (no checkout needed): two git processes however many files
 * there are (`ls-tree`, then one `cat-file --batch` for every blob).
 */
export async function readTreeFiles(
  repoDir: string,
  commit: string,
  dir: string,
  timeoutMs = DEFAULT_GIT_TIMEOUT_MS,
): Promise<Record<string, string>> {
  const prefix = `${dir.replace(/\/+$/, "")}/`;
  const listing = await simpleGit({ baseDir: repoDir, timeout: { block: timeoutMs } }).raw([
    "ls-tree",
    "-r",
    "-z",
    commit,
    "--",
    prefix,
  ]);
  // "<mode> blob <object>\t<path>" per entry; submodules (commit entries) have no content here.
  const blobs = listing
    .split("\0")
    .map((entry) => /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry))
    .filter((m) => m !== null)
    .map(([, object, file]) => ({ object, file: file.slice(prefix.length) }));
  if (blobs.length === 0) {
    throw new Error(`No files under ${prefix} at ${commit} in ${repoDir}`);
  }
  const batch = await gitWithInput(
    repoDir,
    ["cat-file", "--batch"],
    blobs.map((b) => `${b.object}\n`).join(""),
    timeoutMs,
  );
  const files: Record<string, string> = {};
  let at = 0;
  for (const { object, file } of blobs) {
    // Each blob: "<object> blob <size>\n", its bytes, "\n".
    const headerEnd = batch.indexOf(10, at);
    const header = batch.subarray(at, headerEnd).toString();
    const size = Number(/^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1] ?? Number.NaN);
    if (!header.startsWith(object) || Number.isNaN(size)) {
      throw new Error(`Reading ${file} of ${commit} in ${repoDir}: git cat-file answered "${header}"`);
    }
    files[file] = batch.subarray(headerEnd + 1, headerEnd + 1 + size).toString();
    at = headerEnd + 1 + size + 1;
  }
  return files;
}

/** Runs git in `repoDir` with `input` on its standard input; its standard output. */
function gitWithInput(repoDir: string, args: string[], input: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd: repoDir, encoding: "buffer", maxBuffer: 1 << 30, timeout: timeoutMs },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `git ${args.join(" ")} in ${repoDir} failed: ${stderr.toString().trim() || err.message}`,
            ),
          );
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });
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
