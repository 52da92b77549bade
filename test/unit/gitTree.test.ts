import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exportTree, readTreeFiles } from "../../lib/git/tree";

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

  it("reads empty files and UTF-8 content byte for byte", async () => {
    fs.writeFileSync(path.join(repo, "config/empty.yaml"), "");
    fs.writeFileSync(path.join(repo, "config/names.yaml"), "maintainer: Zoë Šťastná\n\n");
    git("add", "config/empty.yaml", "config/names.yaml");
    git("commit", "--quiet", "-m", "more");
    const files = await readTreeFiles(repo, git("rev-parse", "HEAD"), "config/");
    expect(files["empty.yaml"]).toBe("");
    expect(files["names.yaml"]).toBe("maintainer: Zoë Šťastná\n\n");
    expect(files["runtime/lava.yaml"]).toBe("lab: x\n");
  });

  it("names the directory, commit and repository when there is nothing to read", async () => {
    const commit = git("rev-parse", "HEAD");
    await expect(readTreeFiles(repo, commit, "missing")).rejects.toThrow(
      `No files under missing/ at ${commit} in ${repo}`,
    );
  });
});

describe("exportTree", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-export-"));
  const repo = path.join(dir, "repo");
  const dest = path.join(dir, "context");
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      cwd: repo,
      encoding: "utf8",
    }).trim();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes exactly the tree of a commit, replacing what an older one left", async () => {
    fs.mkdirSync(path.join(repo, "docker"), { recursive: true });
    git("init", "--quiet");
    fs.writeFileSync(path.join(repo, "docker/Dockerfile"), "FROM debian\n");
    fs.writeFileSync(path.join(repo, "old.txt"), "old\n");
    git("add", ".");
    git("commit", "--quiet", "-m", "one");
    const one = git("rev-parse", "HEAD");
    git("rm", "--quiet", "old.txt");
    fs.writeFileSync(path.join(repo, "docker/Dockerfile"), "FROM debian:trixie\n");
    git("commit", "--quiet", "-am", "two");
    const two = git("rev-parse", "HEAD");

    await exportTree(repo, one, dest);
    expect(fs.readFileSync(path.join(dest, "old.txt"), "utf8")).toBe("old\n");
    await exportTree(repo, two, dest);
    expect(fs.readdirSync(dest).sort()).toEqual(["docker"]);
    expect(fs.readFileSync(path.join(dest, "docker/Dockerfile"), "utf8")).toBe("FROM debian:trixie\n");
  });

  it("fails naming the commit and repository it could not export", async () => {
    await expect(exportTree(repo, "0".repeat(40), dest)).rejects.toThrow(
      `Exporting ${"0".repeat(40)} of ${repo}`,
    );
  });
});
