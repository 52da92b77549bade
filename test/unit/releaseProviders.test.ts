import { forkRebaseProvider } from "../../providers/forkRebase";
import { productionBranchProvider } from "../../providers/productionBranch";
import { releaseAnnouncementProvider } from "../../providers/releaseAnnouncement";
import { websiteBuildProvider } from "../../providers/websiteBuild";

// What makes each release resource run again, as preview will show it.

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
