import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { nextTree, pushTestRevision, type TestRevisionRun } from "../../lib/kernel/testRevision";
import { ensureKernelFixture } from "../../local/kernelFixture";
import {
  type KernelTestRevisionInputs,
  kernelTestRevisionProvider,
} from "../../providers/kernelTestRevision";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();

/** An upstream kernel tree (branch master) and an empty KernelCI linux remote. */
function fixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-ktr-"));
  return { dir, ...ensureKernelFixture(dir) };
}

/** A patch made against upstream with git format-patch, for patches/linux/<branch>/. */
function writePatch(
  upstream: string,
  patchesRoot: string,
  branch: string,
  content: string,
  base = "Makefile",
) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kci-patch-"));
  git(scratch, "clone", "--quiet", upstream, ".");
  fs.appendFileSync(path.join(scratch, base), content);
  git(scratch, "commit", "--quiet", "-am", `staging: ${content.trim()}`);
  fs.mkdirSync(path.join(patchesRoot, branch), { recursive: true });
  git(scratch, "format-patch", "--quiet", "-1", "-o", path.join(patchesRoot, branch));
}

describe("kernel test revisions", () => {
  it("rotates next -> mainline -> stable -> next", () => {
    const trees = ["next", "mainline", "stable"].map((name) => ({ name, url: "u", branch: "master" }));
    expect(nextTree(trees, null).name).toBe("next");
    expect(nextTree(trees, "next").name).toBe("mainline");
    expect(nextTree(trees, "stable").name).toBe("next");
    expect(nextTree(trees, "gone").name).toBe("next");
  });

  it("pushes upstream + patches + a tag commit, numbers tags per day and prunes only its own", async () => {
    const { dir, upstream, remote } = fixture();
    const patches = path.join(dir, "patches");
    writePatch(upstream, patches, "staging-mainline", "EXTRAVERSION = -kernelci\n");
    const run = (now: string): TestRevisionRun => ({
      tree: { name: "mainline", url: upstream, branch: "master" },
      remote,
      branch: "staging-mainline",
      patchesRoot: patches,
      tagLimit: 2,
      workDir: path.join(dir, "work"),
      identity: { name: "KernelCI", email: "bot@kernelci.org" },
      now: new Date(now),
    });
    // A tag of another pattern that merely shares the prefix must survive pruning.
    git(upstream, "push", "--quiet", remote, "HEAD:refs/tags/staging-mainline-keepme");
    const first = await pushTestRevision(run("2026-11-20T08:00:00Z"));
    expect(first).toMatchObject({
      tree: "mainline",
      branch: "staging-mainline",
      tag: "staging-mainline-20261120.0",
      pruned: [],
    });
    expect(git(remote, "rev-parse", "refs/heads/staging-mainline")).toBe(first.commit);
    expect(git(remote, "show", `${first.commit}:staging-mainline`)).toBe("staging-mainline-20261120.0");
    expect(git(remote, "show", `${first.commit}:Makefile`)).toContain("EXTRAVERSION = -kernelci");
    expect(git(remote, "cat-file", "-t", "refs/tags/staging-mainline-20261120.0")).toBe("tag");
    expect(git(remote, "rev-parse", `${first.commit}~2`)).toBe(first.upstreamCommit);

    // Upstream did not move: a new revision exists anyway, with the next tag of the day.
    const second = await pushTestRevision(run("2026-11-20T16:00:00Z"));
    expect(second.tag).toBe("staging-mainline-20261120.1");
    expect(second.commit).not.toBe(first.commit);
    const third = await pushTestRevision(run("2026-11-21T00:00:00Z"));
    expect(third).toMatchObject({
      tag: "staging-mainline-20261121.0",
      pruned: ["staging-mainline-20261120.0"],
    });
    expect(git(remote, "tag", "--list").split("\n").sort()).toEqual([
      "staging-mainline-20261120.1",
      "staging-mainline-20261121.0",
      "staging-mainline-keepme",
    ]);
  });

  it("pushes nothing when a patch does not apply, naming the patch", async () => {
    const { dir, upstream, remote } = fixture();
    const patches = path.join(dir, "patches");
    writePatch(upstream, patches, "kernelci.org", "A\n");
    fs.appendFileSync(path.join(upstream, "Makefile"), "CONFLICT\n");
    git(upstream, "commit", "--quiet", "-am", "upstream moves");
    const before = git(remote, "for-each-ref");
    const failure = pushTestRevision({
      tree: { name: "kernelci.org", url: upstream, branch: "master" },
      remote,
      branch: "kernelci.org",
      patchesRoot: patches,
      tagLimit: 20,
      workDir: path.join(dir, "work"),
      identity: { name: "KernelCI", email: "bot@kernelci.org" },
      now: new Date(),
    });
    await expect(failure).rejects.toThrow(
      /patch .*kernelci\.org\/0001-staging-A\.patch does not apply on kernelci\.org master/,
    );
    await expect(failure).rejects.toThrow(`Nothing was pushed to ${remote}`);
    expect(git(remote, "for-each-ref")).toBe(before);
  });

  it("the provider pushes a new revision only for a new cycle, and rotates trees", async () => {
    const { dir, upstream, remote } = fixture();
    const inputs = (
      cycleKey: string,
      over: Partial<KernelTestRevisionInputs> = {},
    ): KernelTestRevisionInputs => ({
      cycleKey,
      remote,
      trees: [
        { name: "next", url: upstream, branch: "master" },
        { name: "mainline", url: upstream, branch: "master" },
      ],
      branchPrefix: "staging-",
      tagLimit: 20,
      patchesRoot: null,
      workDir: path.join(dir, "work"),
      identity: { name: "KernelCI", email: "bot@kernelci.org" },
      gitToken: null,
      ...over,
    });
    const created = await kernelTestRevisionProvider.create(inputs("k1"));
    expect(created.outs).toMatchObject({ tree: "next", branch: "staging-next", cycleKey: "k1" });
    const diff = (news: KernelTestRevisionInputs) =>
      kernelTestRevisionProvider.diff?.("id", created.outs, news);
    expect((await diff(inputs("k1", { tagLimit: 5, workDir: "/elsewhere" })))?.changes).toBe(false);
    expect((await diff(inputs("k2")))?.changes).toBe(true);
    const updated = await kernelTestRevisionProvider.update?.("id", created.outs, inputs("k2"));
    expect(updated?.outs).toMatchObject({ tree: "mainline", branch: "staging-mainline" });

    // A refresh sees the branch as it is now: moved outside, then deleted.
    const state = updated.outs;
    expect((await kernelTestRevisionProvider.read("id", state)).props?.commit).toBe(state.commit);
    git(remote, "update-ref", "refs/heads/staging-mainline", created.outs.commit);
    expect((await kernelTestRevisionProvider.read("id", state)).props?.commit).toBe(created.outs.commit);
    git(remote, "update-ref", "-d", "refs/heads/staging-mainline");
    expect((await kernelTestRevisionProvider.read("id", state)).props?.commit).toBeNull();
  });
});
