import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDatedTag, tagDay } from "../../lib/git/tags";
import { digestDirectory, nextRootfsVersion, rootfsUrls } from "../../lib/kernelci/rootfs";
import { type RootfsBuildInputs, rootfsBuildProvider } from "../../providers/rootfsBuild";
import { type ActionsDouble, startActions } from "../support/actionsServer";

describe("rootfs versions and URLs", () => {
  const day = new Date("2026-11-20T23:59:00Z");

  it("numbers versions YYYYMMDD.N from 0 within a day, never reusing one", () => {
    expect(nextRootfsVersion(day, [])).toBe("20261120.0");
    expect(nextRootfsVersion(day, ["20261119.4", "20261120.0", "20261120.2"])).toBe("20261120.3");
    expect(nextRootfsVersion(new Date("2026-11-21T00:00:00Z"), ["20261120.3"])).toBe("20261121.0");
    expect(tagDay(day)).toBe("20261120");
    expect(parseDatedTag("", "20261120.10")).not.toBeNull();
    expect(parseDatedTag("", "2026112.1")).toBeNull();
  });

  it("fills the URL template for every variant and arch", () => {
    const urls = rootfsUrls(
      "https://storage/images/rootfs/debian/{variant}/{version}/{arch}/rootfs.cpio.gz",
      "20261120.1",
      [
        { name: "bookworm", arches: ["amd64", "arm64"] },
        { name: "bookworm-kselftest", arches: ["amd64"] },
      ],
    );
    expect(urls).toEqual({
      "bookworm/amd64": "https://storage/images/rootfs/debian/bookworm/20261120.1/amd64/rootfs.cpio.gz",
      "bookworm/arm64": "https://storage/images/rootfs/debian/bookworm/20261120.1/arm64/rootfs.cpio.gz",
      "bookworm-kselftest/amd64":
        "https://storage/images/rootfs/debian/bookworm-kselftest/20261120.1/amd64/rootfs.cpio.gz",
    });
  });

  it("digests a recipes directory by names and contents", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-recipes-"));
    fs.mkdirSync(path.join(dir, "debos"));
    fs.writeFileSync(path.join(dir, "debos", "bookworm.yaml"), "a");
    const first = digestDirectory(dir);
    expect(digestDirectory(dir)).toBe(first);
    fs.writeFileSync(path.join(dir, "debos", "bookworm.yaml"), "b");
    expect(digestDirectory(dir)).not.toBe(first);
  });
});

describe("the RootfsBuild provider", () => {
  let actions: ActionsDouble;
  beforeEach(async () => {
    actions = await startActions({ token: "ghp_rootfs" });
  });
  afterEach(() => actions.close());

  const inputs = (over: Partial<RootfsBuildInputs> = {}): RootfsBuildInputs => ({
    github: {
      owner: "kernelci",
      repo: "kernelci-core",
      workflow: "rootfs.yml",
      ref: "main",
      apiUrl: actions.url,
    },
    githubToken: "ghp_rootfs",
    variants: [{ name: "bookworm", arches: ["amd64"] }],
    urlTemplate: "https://storage/{variant}/{version}/{arch}/rootfs.cpio.gz",
    requestedVersion: null,
    recipesDigest: "sha256:1",
    timeoutMinutes: 1,
    poll: { initialSeconds: 0.001, maxSeconds: 0.005 },
    ...over,
  });

  it("builds a new version, following the exact run, with the token only as its secret output", async () => {
    const created = await rootfsBuildProvider.create(inputs());
    const today = tagDay(new Date());
    expect(created.outs).toMatchObject({
      version: `${today}.0`,
      urls: { "bookworm/amd64": `https://storage/bookworm/${today}.0/amd64/rootfs.cpio.gz` },
      runUrl: expect.stringMatching(
        /^https:\/\/github.invalid\/kernelci\/kernelci-core\/actions\/runs\/\d+$/,
      ),
    });
    // Only under githubToken, which the resource registers as a secret output (encrypted in the
    // state) for `read`: nowhere else.
    expect(rootfsBuildProvider.spec.readSecrets).toEqual(["githubToken"]);
    expect(created.outs.githubToken).toBe("ghp_rootfs");
    expect(JSON.stringify({ ...created.outs, githubToken: undefined })).not.toContain("ghp_rootfs");
    expect(actions.dispatches[0].inputs.version).toBe(`${today}.0`);
    const again = await rootfsBuildProvider.update?.(
      "id",
      created.outs,
      inputs({ recipesDigest: "sha256:2" }),
    );
    expect(again?.outs.version).toBe(`${today}.1`);
  });

  it("reads the run's conclusion on refresh: a re-run by hand, a deleted run", async () => {
    const { id, outs } = await rootfsBuildProvider.create(inputs());
    expect(outs.runConclusion).toBe("success");
    const read = async () => (await rootfsBuildProvider.read(id, outs)).props?.runConclusion;
    expect(await read()).toBe("success");
    actions.rerun(outs.runId, "failure", 1);
    expect(await read()).toBe("queued");
    expect(await read()).toBe("failure");
    actions.deleteRun(outs.runId);
    expect(await read()).toBeNull();
    // A state written before the token was kept: nothing to ask GitHub with, nothing changes.
    const { githubToken: _, ...old } = outs;
    expect((await rootfsBuildProvider.read(id, old)).props).toEqual(old);
  });

  it("runs only when what it builds changes", async () => {
    const outs = { ...inputs(), githubToken: undefined, version: "20261120.0" };
    const diff = (news: RootfsBuildInputs) => rootfsBuildProvider.diff?.("id", outs, news);
    expect((await diff(inputs({ timeoutMinutes: 30, githubToken: "other" })))?.changes).toBe(false);
    expect((await diff(inputs({ recipesDigest: "sha256:9" })))?.changes).toBe(true);
    expect((await diff(inputs({ requestedVersion: "20261120.5" })))?.changes).toBe(true);
  });

  it("fails with the run URL and keeps naming the previous images", async () => {
    actions.behaviour.conclusion = "failure";
    const olds = {
      versions: ["20261101.0"],
      urls: { "bookworm/amd64": "https://storage/bookworm/20261101.0/amd64/rootfs.cpio.gz" },
    };
    await expect(
      rootfsBuildProvider.update?.("id", olds, inputs({ requestedVersion: "20261120.7" })),
    ).rejects.toThrow(
      /Rootfs build 20261120\.7 failed: Workflow run https:\/\/github.invalid\/.*\/runs\/\d+ completed with conclusion failure.*\nThe previous images stay in use \(outputs unchanged\):\n {2}- https:\/\/storage\/bookworm\/20261101\.0\/amd64\/rootfs\.cpio\.gz/s,
    );
  });
});
