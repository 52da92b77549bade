import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readTreeFiles } from "../../lib/git/tree";

describe("readTreeFiles", () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "kci-tree-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      cwd: repo,
      encoding: "utf8",
    }).trim();
  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("reads a directory of a commit, not of the work tree", async () => {
    git("init", "--quiet");
    fs.mkdirSync(path.join(repo, "config/runtime"), { recursive: true });
    fs.writeFileSync(path.join(repo, "config/pipeline.yaml"), "jobs: {}\n");
    fs.writeFileSync(path.join(repo, "config/runtime/lava.yaml"), "lab: x\n");
    fs.writeFileSync(path.join(repo, "README"), "not config\n");
    git("add", ".");
    git("commit", "--quiet", "-m", "config");
    const commit = git("rev-parse", "HEAD");
    fs.writeFileSync(path.join(repo, "config/pipeline.yaml"), "edited, not committed\n");

    expect(await readTreeFiles(repo, commit, "config")).toEqual({
      "pipeline.yaml": "jobs: {}\n",
      "runtime/lava.yaml": "lab: x\n",
    });
  });

  it("names the directory, commit and repository when there is nothing to read", async () => {
    const commit = git("rev-parse", "HEAD");
    await expect(readTreeFiles(repo, commit, "missing")).rejects.toThrow(
      `No files under missing/ at ${commit} in ${repo}`,
    );
  });
});
