import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ForkRebaseConflict, rebaseFork } from "../../lib/release/forkRebase";
import {
  applyProductionBranch,
  type ProductionBranchSettings,
  planProductionBranch,
  ReleaseError,
} from "../../lib/release/productionBranch";
import { FixtureRemote, git } from "../../local/gitFixtures";

const identity = { name: "KernelCI deploy", email: "bot@kernelci.org" };
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-release-git-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function core(): { remote: FixtureRemote; commits: string[] } {
  const remote = FixtureRemote.create(path.join(tmp, "kernelci-core.git"));
  const commits = [1, 2, 3].map((n) => remote.commitOnMain({ [`f${n}`]: `${n}\n` }, `change ${n}`));
  return { remote, commits };
}

const settings = (
  remote: FixtureRemote,
  extra: Partial<ProductionBranchSettings> = {},
): ProductionBranchSettings => ({
  component: "kernelci-core",
  remote: remote.dir,
  main: "main",
  branch: "kernelci.org",
  tag: "production-20261130090000",
  commit: null,
  createTags: false,
  workDir: path.join(tmp, "work"),
  identity,
  ...extra,
});

async function release(s: ProductionBranchSettings) {
  return applyProductionBranch(await planProductionBranch(s));
}

describe("production branch on real repositories", () => {
  it("creates the tag on the configured commit of main and moves the branch there", async () => {
    const { remote, commits } = core();
    remote.setRef("refs/heads/kernelci.org", commits[0]);
    const plan = await planProductionBranch(settings(remote, { createTags: true, commit: commits[1] }));
    expect(plan).toMatchObject({ target: commits[1], createTag: true, deployed: commits[0] });
    expect(plan.commits.map((c) => c.subject)).toEqual(["change 2"]);
    const out = await applyProductionBranch(plan);
    expect(out).toMatchObject({
      commit: commits[1],
      tag: plan.tag,
      previous: commits[0],
      tagCreated: true,
      pushed: true,
    });
    expect(remote.resolve("refs/tags/production-20261130090000")).toBe(commits[1]);
    expect(git(remote.dir, ["cat-file", "-t", "refs/tags/production-20261130090000"]).trim()).toBe("tag");
    expect(remote.resolve("refs/heads/kernelci.org")).toBe(commits[1]);
  });

  it("verifies an existing tag and refuses one that points elsewhere than the configured commit", async () => {
    const { remote, commits } = core();
    remote.tag("kernelci-20261130");
    const ok = await release(settings(remote, { tag: "kernelci-20261130", commit: commits[2] }));
    expect(ok).toMatchObject({ commit: commits[2], tagCreated: false, pushed: true, previous: null });
    const before = remote.snapshot();
    await expect(
      planProductionBranch(settings(remote, { tag: "kernelci-20261130", commit: commits[0] })),
    ).rejects.toThrow(
      `kernelci-core (${remote.dir}): tag kernelci-20261130 points to ${commits[2]}, not to the configured commit ${commits[0]} (nothing was pushed)`,
    );
    expect(remote.snapshot()).toBe(before);
  });

  it("refuses a missing tag without createTags, and a commit that is not on main", async () => {
    const { remote, commits } = core();
    await expect(planProductionBranch(settings(remote))).rejects.toThrow(
      /has no tag production-20261130090000: create it/,
    );
    const side = remote.commit(commits[0], { x: "x\n" }, "not merged");
    remote.setRef("refs/heads/feature", side);
    await expect(planProductionBranch(settings(remote, { createTags: true, commit: side }))).rejects.toThrow(
      new ReleaseError(
        `kernelci-core (${remote.dir}): ${side} is not a commit of main, refusing to tag it production-20261130090000`,
      ),
    );
    expect(remote.tags()).toEqual([]);
  });

  it("force-pushes the branch onto non-linear history: it ends exactly at the tag", async () => {
    const { remote, commits } = core();
    // A hotfix made on the production branch only: main does not have it.
    const hotfix = remote.commit(commits[0], { hotfix: "1\n" }, "hotfix on production");
    remote.setRef("refs/heads/kernelci.org", hotfix);
    remote.tag("production-20261130090000");
    const plan = await planProductionBranch(settings(remote));
    expect(plan.commits.map((c) => c.subject)).toEqual(["change 3", "change 2"]);
    const out = await applyProductionBranch(plan);
    expect(out).toMatchObject({ previous: hotfix, commit: commits[2], pushed: true });
    expect(remote.resolve("refs/heads/kernelci.org")).toBe(commits[2]);
  });

  it("is idempotent: a second run pushes nothing and changes nothing", async () => {
    const { remote, commits } = core();
    await release(settings(remote, { createTags: true, commit: commits[2] }));
    const before = remote.snapshot();
    const again = await release(settings(remote, { createTags: true, commit: commits[2] }));
    expect(again).toMatchObject({
      pushed: false,
      tagCreated: false,
      commit: commits[2],
      previous: commits[2],
    });
    expect(remote.snapshot()).toBe(before);
  });
});

describe("fork rebase on real repositories", () => {
  const now = new Date("2026-11-28T10:00:00Z");

  function forkOf(upstream: FixtureRemote, forkCommit: Record<string, string>) {
    const forkDir = path.join(tmp, "test-definitions.git");
    git(tmp, ["clone", "--quiet", "--bare", upstream.dir, forkDir]);
    const fork = FixtureRemote.create(forkDir);
    const own = fork.commit(fork.resolve("refs/heads/main"), forkCommit, "kernelci: own change");
    fork.setRef("refs/heads/kernelci.org", own);
    return { fork, own };
  }

  const rebaseSettings = (fork: FixtureRemote, upstream: FixtureRemote) => ({
    name: "test-definitions",
    fork: fork.dir,
    branch: "kernelci.org",
    upstream: upstream.dir,
    upstreamBranch: "main",
    tagPrefix: "kernelci-",
    workDir: path.join(tmp, "work"),
    identity,
  });

  it("rebases on new upstream commits, tags with the date and pushes once", async () => {
    const upstream = FixtureRemote.create(path.join(tmp, "upstream.git"));
    upstream.commitOnMain({ "a.yaml": "a\n" }, "upstream 1");
    const { fork, own } = forkOf(upstream, { "kernelci.yaml": "k\n" });
    const newUpstream = upstream.commitOnMain({ "b.yaml": "b\n" }, "upstream 2");
    const out = await rebaseFork(rebaseSettings(fork, upstream), now);
    expect(out).toMatchObject({
      pushed: true,
      tag: "kernelci-20261128.0",
      previous: own,
      upstreamHead: newUpstream,
    });
    const head = fork.resolve("refs/heads/kernelci.org") as string;
    expect(head).toBe(out.head);
    expect(git(fork.dir, ["rev-parse", `${head}^`]).trim()).toBe(newUpstream);
    expect(git(fork.dir, ["log", "-1", "--format=%s", head]).trim()).toBe("kernelci: own change");
    expect(fork.resolve("refs/tags/kernelci-20261128.0")).toBe(head);
    const before = fork.snapshot();
    const again = await rebaseFork(rebaseSettings(fork, upstream), now);
    expect(again).toMatchObject({ pushed: false, tag: null, head });
    expect(fork.snapshot()).toBe(before);
  });

  it("pushes nothing when upstream did not change", async () => {
    const upstream = FixtureRemote.create(path.join(tmp, "upstream.git"));
    upstream.commitOnMain({ "a.yaml": "a\n" }, "upstream 1");
    const { fork, own } = forkOf(upstream, { "kernelci.yaml": "k\n" });
    const before = fork.snapshot();
    const out = await rebaseFork(rebaseSettings(fork, upstream), now);
    expect(out).toMatchObject({ pushed: false, tag: null, head: own, previous: own });
    expect(fork.snapshot()).toBe(before);
  });

  it("a conflict names the commit and files and pushes nothing", async () => {
    const upstream = FixtureRemote.create(path.join(tmp, "upstream.git"));
    upstream.commitOnMain({ "a.yaml": "a\n" }, "upstream 1");
    const { fork, own } = forkOf(upstream, { "a.yaml": "kernelci\n" });
    upstream.commitOnMain({ "a.yaml": "upstream\n" }, "upstream 2");
    const before = fork.snapshot();
    const failure = rebaseFork(rebaseSettings(fork, upstream), now);
    await expect(failure).rejects.toBeInstanceOf(ForkRebaseConflict);
    await expect(failure).rejects.toThrow(
      `Rebasing ${fork.dir} on ${upstream.dir} conflicts at commit ${own} ("kernelci: own change") in a.yaml; nothing was pushed.`,
    );
    expect(fork.snapshot()).toBe(before);
  });
});
