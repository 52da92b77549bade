import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultReleaseTagPattern, productionComponents, releaseVerdict } from "../../lib/release/preflight";
import { runCli } from "../support/cli";

const pattern = new RegExp(defaultReleaseTagPattern);

describe("the release verdict", () => {
  it("takes the newest matching tag and lists components without one", () => {
    expect(
      releaseVerdict(
        [
          {
            name: "kernelci-api",
            commit: "a".repeat(40),
            tags: ["production-20260101000000", "production-20260102000000"],
          },
          { name: "kernelci-core", commit: "b".repeat(40), tags: ["staging-20260102.0", "production-2026"] },
          { name: "kernelci-pipeline", commit: "c".repeat(40), tags: [] },
        ],
        pattern,
      ),
    ).toEqual({
      ready: [{ name: "kernelci-api", commit: "a".repeat(40), tag: "production-20260102000000" }],
      missing: [
        { name: "kernelci-core", commit: "b".repeat(40) },
        { name: "kernelci-pipeline", commit: "c".repeat(40) },
      ],
    });
  });

  it("covers every repository production builds images from", () => {
    expect(productionComponents).toEqual(["kernelci-api", "kernelci-core", "kernelci-pipeline"]);
  });
});

describe("kci-deploy release-check", () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@e", ...args], {
      cwd,
      encoding: "utf8",
    }).trim();
  const checkout = (name: string, tag?: string) => {
    const repo = path.join(dir, name);
    fs.mkdirSync(repo);
    git(repo, "init", "-q");
    git(repo, "commit", "-q", "--allow-empty", "-m", "release");
    if (tag) git(repo, "tag", tag);
    return git(repo, "rev-parse", "HEAD");
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-release-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => runCli(["release-check", ...args], dir);

  it("passes when every checkout's commit has a release tag, and writes the summary", async () => {
    for (const name of productionComponents) checkout(name, "production-20261127120000");
    const r = await run("--checkouts", ".", "--summary", "summary.md");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Every component has a release tag on the commit to deploy.");
    expect(fs.readFileSync(path.join(dir, "summary.md"), "utf8")).toBe(r.stdout);
  });

  it("fails naming each component and commit without a tag", async () => {
    checkout("kernelci-api", "production-20261127120000");
    const core = checkout("kernelci-core", "v1.0");
    checkout("kernelci-pipeline");
    const r = await run("--checkouts", ".");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`| kernelci-core | \`${core.slice(0, 12)}\` | **none**`);
    expect(r.stdout).toContain(
      "Not ready: kernelci-core, kernelci-pipeline have no release tag on the commit to deploy.",
    );
  });

  it("names a missing checkout, and rejects a bad pattern", async () => {
    checkout("kernelci-api", "production-20261127120000");
    expect(
      (await run("--checkouts", ".", "--component", "kernelci-api", "--component", "kernelci-core")).stderr,
    ).toBe(
      `kci-deploy release-check: kernelci-core: no git checkout at ${path.join(dir, "kernelci-core")} (images.sourceDir/kernelci-core)\n`,
    );
    expect(await run("--checkouts", ".", "--tag-pattern", "(")).toMatchObject({ code: 2 });
    expect(
      await run("--checkouts", ".", "--component", "kernelci-api", "--tag-pattern", "^production-"),
    ).toMatchObject({ code: 0 });
  });
});
