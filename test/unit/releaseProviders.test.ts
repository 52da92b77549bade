import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FixtureRemote, git } from "../../local/gitFixtures";
import { forkRebaseProvider } from "../../providers/forkRebase";
import { productionBranchProvider } from "../../providers/productionBranch";
import { secretOutputOptions } from "../../providers/provider";
import { releaseAnnouncementProvider } from "../../providers/releaseAnnouncement";
import { websiteBuildProvider } from "../../providers/websiteBuild";

// What makes each release resource run again, as preview will show it, and what a refresh reads.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-release-providers-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const identity = { name: "KernelCI deploy", email: "bot@kernelci.org" };

const branch = {
  component: "kernelci-core",
  remote: "https://github.com/kernelci/kernelci-core.git",
  main: "main",
  branch: "kernelci.org",
  tag: "production-20261130090000",
  commit: null,
  createTags: false,
  workDir: "/w",
  identity: { name: "n", email: "e@x.org" },
  target: "a".repeat(40),
  inSync: false,
  token: "PLANTED-token",
};

describe("ProductionBranch", () => {
  it("runs for a new release, and again only when the branch moved away from it", async () => {
    const { token: _t, ...state } = { ...branch, inSync: true, commit: branch.target };
    expect((await productionBranchProvider.diff("id", state, { ...branch, inSync: true })).changes).toBe(
      false,
    );
    expect((await productionBranchProvider.diff("id", state, branch)).diffs).toEqual(["inSync"]);
    const next = { ...branch, tag: "production-20261207090000", target: "b".repeat(40), inSync: false };
    expect((await productionBranchProvider.diff("id", state, next)).diffs).toEqual([
      "tag",
      "target",
      "inSync",
    ]);
  });

  it("names a bad input", async () => {
    const { failures } = await productionBranchProvider.check({}, { ...branch, target: "" });
    expect(failures).toEqual([{ property: "target", reason: "target must be a non-empty string" }]);
  });

  it("reads the branch and the tag as the remote has them: a hotfix pushed by hand, then both gone", async () => {
    const remote = FixtureRemote.create(path.join(tmp, "kernelci-core.git"));
    const release = remote.commitOnMain({ "a.txt": "a\n" }, "release");
    const created = await productionBranchProvider.create({
      ...branch,
      remote: remote.dir,
      createTags: true,
      commit: release,
      target: release,
      workDir: path.join(tmp, "work"),
      identity,
      token: "PLANTED-token",
    });
    const outs = created.outs;
    expect(outs).toMatchObject({ commit: release, head: release, tagCommit: release, inSync: true });
    // Kept (as a secret output, see secretOutputOptions) so that refresh reaches the remote as create did.
    expect(outs.token).toBe("PLANTED-token");
    expect(secretOutputOptions(productionBranchProvider.spec).additionalSecretOutputs).toEqual(["token"]);
    expect(await productionBranchProvider.read(created.id, outs)).toEqual({ id: created.id, props: outs });

    const hotfix = remote.commit(release, { "a.txt": "fixed\n" }, "hotfix");
    remote.setRef("refs/heads/kernelci.org", hotfix);
    // The release stays what it was; the branch is seen elsewhere. inSync is the program's to
    // compare, so that the next up still moves the branch back to the release.
    expect((await productionBranchProvider.read(created.id, outs)).props).toEqual({ ...outs, head: hotfix });

    git(remote.dir, ["update-ref", "-d", "refs/heads/kernelci.org"]);
    git(remote.dir, ["tag", "-d", branch.tag]);
    expect((await productionBranchProvider.read(created.id, outs)).props).toMatchObject({
      commit: release,
      head: null,
      tagCommit: null,
    });

    const gone = path.join(tmp, "no-such-remote.git");
    await expect(productionBranchProvider.read(created.id, { ...outs, remote: gone })).rejects.toThrow(
      `git ls-remote ${gone} failed`,
    );
  });
});

describe("ForkRebase", () => {
  const fork = {
    name: "test-definitions",
    fork: "f",
    branch: "kernelci.org",
    upstream: "u",
    upstreamBranch: "master",
    tagPrefix: "kernelci-",
    workDir: "/w",
    identity: { name: "n", email: "e@x.org" },
    forkHead: "1".repeat(40),
    upstreamHead: "2".repeat(40),
    token: null,
  };
  it("runs when upstream or the fork moved, not for a new work dir", async () => {
    expect((await forkRebaseProvider.diff("id", fork, { ...fork, workDir: "/other" })).changes).toBe(false);
    expect(
      (await forkRebaseProvider.diff("id", fork, { ...fork, upstreamHead: "3".repeat(40) })).diffs,
    ).toEqual(["upstreamHead"]);
  });

  it("reads the fork branch's head and date tag: a push by hand, then the branch gone", async () => {
    const upstream = FixtureRemote.create(path.join(tmp, "upstream.git"));
    upstream.commitOnMain({ "a.yaml": "a\n" }, "upstream 1");
    const forkDir = path.join(tmp, "test-definitions.git");
    git(tmp, ["clone", "--quiet", "--bare", upstream.dir, forkDir]);
    const remote = FixtureRemote.create(forkDir);
    const own = remote.commit(remote.resolve("refs/heads/main"), { "k.yaml": "k\n" }, "kernelci: own");
    remote.setRef("refs/heads/kernelci.org", own);
    const upstreamHead = upstream.commitOnMain({ "b.yaml": "b\n" }, "upstream 2");
    const created = await forkRebaseProvider.create({
      ...fork,
      fork: remote.dir,
      upstream: upstream.dir,
      upstreamBranch: "main",
      workDir: path.join(tmp, "fork-work"),
      forkHead: own,
      upstreamHead,
    });
    const outs = created.outs;
    expect(outs).toMatchObject({
      pushed: true,
      tag: expect.stringMatching(/^kernelci-\d{8}\.0$/),
      previous: own,
      forkHead: outs.head,
    });
    expect(secretOutputOptions(forkRebaseProvider.spec).additionalSecretOutputs).toEqual(["token"]);
    expect(await forkRebaseProvider.read(created.id, outs)).toEqual({ id: created.id, props: outs });

    const byHand = remote.commit(outs.head, { "k.yaml": "hotfix\n" }, "pushed by hand");
    remote.setRef("refs/heads/kernelci.org", byHand);
    // No date tag names that commit; forkHead stays, so that the next up rebases it.
    expect((await forkRebaseProvider.read(created.id, outs)).props).toEqual({
      ...outs,
      head: byHand,
      tag: null,
    });

    git(remote.dir, ["update-ref", "-d", "refs/heads/kernelci.org"]);
    expect((await forkRebaseProvider.read(created.id, outs)).props).toMatchObject({ head: null, tag: null });
  });
});

describe("ReleaseAnnouncement and WebsiteBuild", () => {
  it("check a release once, and rebuild the site only for a new revision", async () => {
    const gate = { digest: "sha256:a", release: "r", recordFile: "/f", minHours: 24, force: false };
    expect((await releaseAnnouncementProvider.diff("id", gate, { ...gate, force: true })).changes).toBe(
      false,
    );
    expect(
      (await releaseAnnouncementProvider.diff("id", gate, { ...gate, digest: "sha256:b" })).changes,
    ).toBe(true);
    const site = {
      remote: "r",
      ref: "refs/heads/kernelci.org",
      revision: "1".repeat(40),
      siteDir: "kernelci.org",
      command: null,
      serverImage: "nginx:1.27-alpine",
      workDir: "/w",
      identity: { name: "n", email: "e@x.org" },
      token: null,
    };
    expect((await websiteBuildProvider.diff("id", site, { ...site, workDir: "/x" })).changes).toBe(false);
    expect(
      (await websiteBuildProvider.diff("id", site, { ...site, revision: "2".repeat(40) })).diffs,
    ).toEqual(["revision"]);
  });

  it("the gate fails before anything changes when the release was never announced", async () => {
    const gate = {
      digest: "sha256:a",
      release: "r1",
      recordFile: "/nonexistent/record.jsonl",
      minHours: 24,
      force: false,
    };
    await expect(releaseAnnouncementProvider.create(gate)).rejects.toThrow(
      "Release r1 refused before any change: this release (sha256:a) was never announced",
    );
    await expect(releaseAnnouncementProvider.create({ ...gate, force: true })).resolves.toMatchObject({
      outs: { forced: true, announcedAt: null },
    });
  });
});
