import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { releaseSchema } from "../../config/release";
import { recordAnnouncement } from "../../lib/release/announce";
import { componentSettings, planRelease } from "../../lib/release/releasePlan";
import { FixtureRemote, git } from "../../local/gitFixtures";
import { type Simulator, startSimulator } from "../../local/kernelciSimulator/server";
import { localStack, renderDirOf } from "../support/engine";

// A production release on the real engine (local backend, manifests rendered), with local
// remotes and the KernelCI API simulator. The order is read from the engine's
// own events: announcement check -> production branches -> Mongo backup -> rollout.

interface Step {
  event: "pre" | "outputs";
  urn: string;
}

async function up(stack: Stack): Promise<{ steps: Step[]; outputs: Record<string, unknown> }> {
  const steps: Step[] = [];
  const onEvent = (e: EngineEvent) => {
    const pre = e.resourcePreEvent?.metadata;
    const out = e.resOutputsEvent?.metadata;
    if (pre && pre.op !== "same") steps.push({ event: "pre", urn: pre.urn });
    if (out && out.op !== "same") steps.push({ event: "outputs", urn: out.urn });
  };
  const result = await stack.up({ onEvent });
  return { steps, outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value])) };
}

const first = (steps: Step[], event: Step["event"], pattern: RegExp) =>
  steps.findIndex((s) => s.event === event && pattern.test(s.urn));
const last = (steps: Step[], event: Step["event"], pattern: RegExp) =>
  steps.reduce((found, s, i) => (s.event === event && pattern.test(s.urn) ? i : found), -1);

const gateUrn = /kernelci:ReleaseAnnouncement::release-announcement$/;
const branchUrn = /kernelci:ProductionBranch::release-kernelci-/;
const forkUrn = /kernelci:ForkRebase::/;
const jobUrn = /kubernetes:batch\/v1:Job::release-backup$/;
const deploymentUrn = /kubernetes:apps\/v1:Deployment::/;
const triggerUrn = /kubernetes:apps\/v1:Deployment::.*trigger$/;

describe("a production release on the engine", () => {
  let dir: string;
  let sim: Simulator;
  let stack: Stack;
  const repos: Record<string, FixtureRemote> = {};
  const released: Record<string, string> = {};
  let hotfix: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-release-engine-"));
    for (const name of ["kernelci-core", "kernelci-api", "kernelci-pipeline"]) {
      const repo = FixtureRemote.create(path.join(dir, "release-forge", `${name}.git`));
      const deployed = repo.commitOnMain({ [name]: "1\n" }, `${name}: deployed`);
      repo.setRef("refs/heads/kernelci.org", deployed);
      released[name] = repo.commitOnMain({ [name]: "2\n" }, `${name}: new (#3)`);
      repos[name] = repo;
    }
    // A hotfix made on production only: the release must replace it (non-linear history).
    hotfix = repos["kernelci-api"].commit(
      repos["kernelci-api"].resolve("refs/heads/kernelci.org"),
      { h: "1\n" },
      "hotfix",
    );
    repos["kernelci-api"].setRef("refs/heads/kernelci.org", hotfix);
    const upstream = FixtureRemote.create(path.join(dir, "upstream.git"));
    upstream.commitOnMain({ "a.yaml": "a\n" }, "upstream 1");
    git(dir, [
      "clone",
      "--quiet",
      "--bare",
      upstream.dir,
      path.join(dir, "release-forge", "test-definitions.git"),
    ]);
    const fork = FixtureRemote.create(path.join(dir, "release-forge", "test-definitions.git"));
    fork.setRef(
      "refs/heads/kernelci.org",
      fork.commit(fork.resolve("refs/heads/main"), { k: "k\n" }, "kernelci"),
    );
    upstream.commitOnMain({ "b.yaml": "b\n" }, "upstream 2");

    const release = {
      at: "2026-11-30T09:00:00Z",
      createTags: true,
      remoteRoot: path.join(dir, "release-forge"),
      workDir: path.join(dir, "release-work"),
      summaryFile: path.join(dir, "summary.md"),
      components: Object.entries(released).map(([name, commit]) => ({ name, commit })),
      announce: {
        to: ["kernelci@lists.linux.dev"],
        from: "bot@kernelci.org",
        smtp: { host: "127.0.0.1" },
        recordFile: path.join(dir, "announcements.jsonl"),
      },
      forks: [{ upstream: upstream.dir, upstreamBranch: "main" }],
      backup: { claim: "mongo-backups" },
    };
    // Announced a day and an hour ago, as `kci-deploy release-notes --announce` records it.
    const { summary } = await planRelease(componentSettings(releaseSchema.parse(release), false, (p) => p));
    recordAnnouncement(release.announce.recordFile, {
      digest: summary.digest,
      release: summary.name,
      to: release.announce.to,
      subject: "s",
      messageId: "<m@x>",
      announcedAt: new Date(Date.now() - 25 * 3_600_000).toISOString(),
    });

    stack = await localStack("release", dir);
    const token = (await stack.getConfig("kernelci:secrets.apiToken", true)).value;
    sim = await startSimulator({ token, scenario: "happy", triggerPollMs: 100 });
    stack = await localStack("release", dir, {
      "kernelci:legacy": { enabled: false },
      "kernelci:release": release,
      "kernelci:procedure": {
        cycle: "partial",
        kernelciApiUrl: sim.url,
        poll: { initialSeconds: 0.05, maxSeconds: 0.5 },
        // The drain scales the trigger on a cluster; this stack only renders. Its place after the
        // backup is checked under mocks (releaseProgram.test.ts) and on the cluster (procedure).
        drain: { enabled: false },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("checks the announcement, pushes the branches, backs up, then rolls out", async () => {
    const { steps, outputs } = await up(stack);
    const gate = first(steps, "outputs", gateUrn);
    expect(gate).toBeGreaterThanOrEqual(0);
    expect(first(steps, "pre", branchUrn)).toBeGreaterThan(gate);
    expect(first(steps, "pre", forkUrn)).toBeGreaterThan(gate);
    expect(first(steps, "pre", jobUrn)).toBeGreaterThan(last(steps, "outputs", branchUrn));
    expect(first(steps, "pre", deploymentUrn)).toBeGreaterThan(first(steps, "outputs", jobUrn));
    expect(last(steps, "outputs", deploymentUrn)).toBe(last(steps, "outputs", triggerUrn));

    for (const [name, commit] of Object.entries(released)) {
      expect(repos[name].resolve("refs/heads/kernelci.org")).toBe(commit);
      expect(repos[name].resolve("refs/tags/production-20261130090000")).toBe(commit);
    }
    expect(outputs.releaseComponents).toMatchObject({
      "kernelci-api": { commit: released["kernelci-api"], tag: "production-20261130090000", pushed: true },
    });
    expect(outputs.releaseForks).toEqual([
      expect.objectContaining({
        name: "test-definitions",
        pushed: true,
        tag: expect.stringMatching(/^kernelci-\d{8}\.0$/),
      }),
    ]);
    expect(outputs.releaseSummary).toContain("- kernelci-api: new (#3, KernelCI Fixture)");
    const manifests = path.join(renderDirOf(dir), "1-manifest");
    const jobFile = fs
      .readdirSync(manifests)
      .find((f) => /job.*mongo-backup-production-20261130090000/.test(f));
    const job = fs.readFileSync(path.join(manifests, jobFile ?? "no Job rendered"), "utf8");
    expect(job).toContain("mongodump");
    expect(job).toContain("production-20261130090000.archive.gz");
  }, 600_000);

  it("a second up changes nothing and pushes nothing", async () => {
    const before = Object.values(repos).map((r) => r.snapshot());
    await stack.preview({ expectNoChanges: true });
    const { steps } = await up(stack);
    expect(steps).toEqual([]);
    expect(Object.values(repos).map((r) => r.snapshot())).toEqual(before);
  }, 600_000);
});
