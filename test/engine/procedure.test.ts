import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import type { KernelciNode } from "../../lib/kernelci/node";
import type { ScenarioName } from "../../local/kernelciSimulator/scenarios";
import { type Simulator, startSimulator } from "../../local/kernelciSimulator/server";
import { REFERENCE_CHECKOUT_ID, type Timings } from "../../local/kernelciSimulator/store";
import { ensureKernelFixture } from "../../local/kernelFixture";
import { localStack, renderDirOf, repoRoot } from "../support/engine";
import { startJenkins } from "../support/jenkinsServer";

// The update procedure on the real engine, against the KernelCI API simulator, a Jenkins
// double and local git repositories. Order is asserted from the engine's own events.

/** The local stack's dummy secrets, as the stack file holds them (decrypted by the engine). */
async function secret(stack: Stack, key: string): Promise<string> {
  return (await stack.getConfig(`kernelci:secrets.${key}`, true)).value;
}

interface Step {
  event: "pre" | "outputs" | "failed";
  urn: string;
  op: string;
}

/** `up` recording the engine's resource events in order (skipping unchanged resources). */
async function up(stack: Stack): Promise<{ steps: Step[]; outputs: Record<string, unknown> }> {
  const steps: Step[] = [];
  const onEvent = (e: EngineEvent) => {
    const pre = e.resourcePreEvent?.metadata;
    const out = e.resOutputsEvent?.metadata;
    const failed = e.resOpFailedEvent?.metadata;
    if (pre && pre.op !== "same") steps.push({ event: "pre", urn: pre.urn, op: pre.op });
    if (out && out.op !== "same") steps.push({ event: "outputs", urn: out.urn, op: out.op });
    if (failed) steps.push({ event: "failed", urn: failed.urn, op: failed.op });
  };
  const result = await stack.up({ onEvent });
  const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
  return { steps, outputs };
}

/** Runs `up` expecting it to fail; returns its whole output and the steps. */
async function failingUp(stack: Stack): Promise<{ message: string; steps: Step[] }> {
  const steps: Step[] = [];
  try {
    await stack.up({
      onEvent: (e) => {
        const m = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
        if (m && m.op !== "same")
          steps.push({ event: e.resourcePreEvent ? "pre" : "outputs", urn: m.urn, op: m.op });
      },
    });
  } catch (error) {
    return { message: String(error), steps };
  }
  throw new Error("up succeeded but was expected to fail");
}

const index = (steps: Step[], event: Step["event"], pattern: RegExp) =>
  steps.findIndex((s) => s.event === event && pattern.test(s.urn));
const lastIndex = (steps: Step[], event: Step["event"], pattern: RegExp) =>
  steps.reduce((last, s, i) => (s.event === event && pattern.test(s.urn) ? i : last), -1);

const drainUrn = /::procedure-drain$/;
const stagingBranchUrn = /kernelci:StagingBranch::/;
const resumeUrn = /::procedure-trigger-resume$/;
const revisionUrn = /::procedure-kernel-test-revision$/;
const verdictUrn = /::procedure-pipe-cleaner$/;
const seedUrn = /::procedure-jenkins-seed$/;
const deploymentUrn = /kubernetes:apps\/v1:Deployment::/;
const triggerUrn = /kubernetes:apps\/v1:Deployment::.*trigger$/;

const localFile = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")).config as Record<
  string,
  unknown
>;

/** One isolated stack with its simulator, repositories and Jenkins double. */
async function world(
  name: string,
  scenario: ScenarioName,
  procedure: (w: { url: string; dir: string; remote: string; upstream: string }) => object,
  timings: Partial<Timings> = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kci-proc-${name}-`));
  const { upstream, remote } = ensureKernelFixture(dir);
  // Stack first (with a placeholder), to read the local stack's dummy token for the simulator.
  let stack = await localStack(name, dir);
  const token = await secret(stack, "apiToken");
  const jenkinsToken = await secret(stack, "jenkinsAdminPassword");
  const sim = await startSimulator({
    token,
    scenario,
    timings,
    watch: [{ remote, tree: "kernelci" }],
    triggerPollMs: 100,
  });
  const jenkins = await startJenkins({
    user: "admin",
    token: jenkinsToken,
    jobs: {
      "job-dsl": { result: "SUCCESS", queuePolls: 1, buildPolls: 2 },
      "kernel-bisection": { result: "SUCCESS", queuePolls: 0, buildPolls: 0 },
    },
  });
  const config = (extra: object = {}) => ({
    "kernelci:legacy": { ...(localFile["kernelci:legacy"] as object), jenkinsUrl: jenkins.url },
    "kernelci:procedure": {
      cycle: "full",
      kernelciApiUrl: sim.url,
      poll: { initialSeconds: 0.05, maxSeconds: 0.5 },
      ...procedure({ url: sim.url, dir, remote, upstream }),
      ...extra,
    },
  });
  stack = await localStack(name, dir, config());
  return {
    dir,
    remote,
    sim,
    jenkins,
    tokens: [token, jenkinsToken],
    /** Rewrites the test stack's configuration (never a committed file). */
    reconfigure: async (extra: object, more: Record<string, unknown> = {}) => {
      stack = await localStack(name, dir, { ...config(extra), ...more });
      return stack;
    },
    get stack() {
      return stack;
    },
    close: async () => {
      await sim.close();
      await jenkins.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const checkouts = (sim: Simulator) =>
  sim.store.all().filter((n: KernelciNode) => n.kind === "checkout").length;

describe("production: drain -> rollout -> trigger -> test revision -> verdict", () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world(
      "proc-production",
      "happy",
      ({ dir, remote, upstream }) => ({
        kernel: {
          remote,
          branchPrefix: "",
          trees: [{ name: "kernelci.org", url: upstream, branch: "master" }],
          workDir: path.join(dir, "work"),
        },
        drain: { enabled: true, timeoutMinutes: 1 },
        pipeCleaner: {
          enabled: true,
          timeoutMinutes: 2,
          baselineCheckout: REFERENCE_CHECKOUT_ID,
          reportFile: path.join(dir, "report.md"),
        },
        jenkinsSeed: { enabled: true, revision: "jenkins-r1" },
      }),
      // Builds long enough that the checkout in flight at start is still running when the drain begins.
      { buildMs: 30_000 },
    );
  }, 120_000);
  afterAll(() => w.close());

  it("performs each step in order and reports the verdict", async () => {
    const inFlightAtStart = w.sim.store
      .all()
      .filter((n) => n.state !== "done")
      .map((n) => n.id);
    expect(inFlightAtStart.length).toBeGreaterThan(0);
    const { steps, outputs } = await up(w.stack);

    const drained = index(steps, "outputs", drainUrn);
    expect(drained).toBeGreaterThanOrEqual(0);
    expect(index(steps, "pre", deploymentUrn)).toBeGreaterThan(drained);
    expect(lastIndex(steps, "outputs", deploymentUrn)).toBe(lastIndex(steps, "outputs", triggerUrn));
    expect(index(steps, "pre", resumeUrn)).toBeGreaterThan(lastIndex(steps, "outputs", triggerUrn));
    expect(index(steps, "pre", revisionUrn)).toBeGreaterThan(index(steps, "outputs", resumeUrn));
    expect(index(steps, "pre", verdictUrn)).toBeGreaterThan(index(steps, "outputs", revisionUrn));
    expect(index(steps, "pre", seedUrn)).toBeGreaterThan(lastIndex(steps, "outputs", triggerUrn));
    // The drain waited for what was in flight when it started.
    const drainedAt = Date.parse((outputs.drain as { drainedAt: string }).drainedAt);
    for (const id of inFlightAtStart) {
      const node = w.sim.store.get(id);
      expect(node?.state).toBe("done");
      expect(drainedAt).toBeGreaterThanOrEqual(Date.parse(node?.updated ?? ""));
    }

    expect(outputs.pipeCleaner).toMatchObject({
      kinds: { kbuild: { count: 4 }, test: { count: 20, pass: 16 } },
    });
    expect(outputs.kernelTestRevision).toMatchObject({
      branch: "kernelci.org",
      tag: expect.stringMatching(/^kernelci\.org-\d{8}\.0$/),
    });
    expect(fs.readFileSync(path.join(w.dir, "report.md"), "utf8")).toMatch(/## Verdict\n\nok\n/);
    const scale = fs
      .readFileSync(`${renderDirOf(w.dir)}-operations/trigger-scale.jsonl`, "utf8")
      .trim()
      .split("\n");
    // Paused by the drain, resumed once the rollout is done.
    expect(scale.map((l) => JSON.parse(l))).toMatchObject([
      { namespace: "kernelci-pipeline", name: "trigger", replicas: 0 },
      { namespace: "kernelci-pipeline", name: "trigger", replicas: 1 },
    ]);
    expect(w.jenkins.builds).toEqual([{ job: "job-dsl", parameters: { REVISION: "jenkins-r1" } }]);
    // The API and Jenkins tokens the providers used are nowhere in plaintext in the state.
    const state = fs
      .readdirSync(path.join(w.dir, "state"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"))
      .join("\n");
    expect(state).toContain("procedure-drain");
    for (const secretValue of w.tokens) expect(state).not.toContain(secretValue);
  }, 600_000);

  it("a second up performs no step again", async () => {
    const before = checkouts(w.sim);
    await w.stack.preview({ expectNoChanges: true });
    const { steps } = await up(w.stack);
    expect(steps).toEqual([]);
    expect(checkouts(w.sim)).toBe(before);
    expect(w.jenkins.builds).toHaveLength(1);
  }, 600_000);
});

describe("staging full cycle: rollout -> test revision (rotating trees) -> verdict against the last one", () => {
  let w: Awaited<ReturnType<typeof world>>;
  const procedure = ({ dir, remote, upstream }: { dir: string; remote: string; upstream: string }) => ({
    kernel: {
      remote,
      branchPrefix: "staging-",
      trees: [
        { name: "next", url: upstream, branch: "master" },
        { name: "mainline", url: upstream, branch: "master" },
      ],
      workDir: path.join(dir, "work"),
    },
    pipeCleaner: { enabled: true, timeoutMinutes: 2, reportFile: path.join(dir, "report.md") },
  });
  beforeAll(async () => {
    w = await world("proc-staging", "happy", procedure);
  }, 120_000);
  afterAll(() => w.close());

  it("deploys, then pushes staging-next and judges it (first cycle: no baseline)", async () => {
    const { steps, outputs } = await up(w.stack);
    expect(index(steps, "pre", drainUrn)).toBe(-1);
    // Staging branches (the local forge) before the deployments that build from them.
    expect(lastIndex(steps, "outputs", stagingBranchUrn)).toBeGreaterThanOrEqual(0);
    expect(index(steps, "pre", deploymentUrn)).toBeGreaterThan(lastIndex(steps, "outputs", stagingBranchUrn));
    expect(index(steps, "pre", revisionUrn)).toBeGreaterThan(lastIndex(steps, "outputs", deploymentUrn));
    expect(index(steps, "pre", verdictUrn)).toBeGreaterThan(index(steps, "outputs", revisionUrn));
    expect(outputs.kernelTestRevision).toMatchObject({ tree: "next", branch: "staging-next" });
    expect(fs.readFileSync(path.join(w.dir, "report.md"), "utf8")).toContain("No baseline yet");
  }, 600_000);

  it("the next cycle rotates to mainline and compares with the previous result", async () => {
    // A change of what is deployed makes a new cycle (here: the API token lifetime).
    const api = { ...(localFile["kernelci:api"] as object), accessTokenExpireSeconds: 7200 };
    await w.reconfigure({}, { "kernelci:api": api });
    const { outputs } = await up(w.stack);
    expect(outputs.kernelTestRevision).toMatchObject({ tree: "mainline", branch: "staging-mainline" });
    expect(fs.readFileSync(path.join(w.dir, "report.md"), "utf8")).toMatch(
      /## Verdict\n\nok\n\nPipe cleaner: checkout \w+ .* vs baseline checkout \w+/,
    );
  }, 600_000);

  it("a partial cycle deploys only", async () => {
    await w.reconfigure({ cycle: "partial" });
    const before = checkouts(w.sim);
    const { steps } = await up(w.stack);
    expect(steps.filter((s) => revisionUrn.test(s.urn) || verdictUrn.test(s.urn)).map((s) => s.op)).toEqual(
      expect.arrayContaining(["delete"]),
    );
    expect(checkouts(w.sim)).toBe(before);
  }, 600_000);
});

describe("failures name what to look at", () => {
  let w: Awaited<ReturnType<typeof world>>;
  const procedure = ({ dir, remote, upstream }: { dir: string; remote: string; upstream: string }) => ({
    kernel: {
      remote,
      branchPrefix: "",
      trees: [{ name: "kernelci.org", url: upstream, branch: "master" }],
      workDir: path.join(dir, "work"),
    },
    pipeCleaner: {
      enabled: true,
      timeoutMinutes: 0.1,
      baselineCheckout: REFERENCE_CHECKOUT_ID,
      reportFile: path.join(dir, "report.md"),
    },
  });
  beforeAll(async () => {
    w = await world("proc-failures", "regression", procedure);
  }, 120_000);
  afterAll(() => w.close());

  it("a regression fails up with the comparison table", async () => {
    const { message } = await failingUp(w.stack);
    expect(message).toMatch(/\| kbuild \| 4 \| 4 \| 0\.0% \| 100\.0% \| 50\.0% \| 50\.0 \| REGRESSION \|/);
    expect(message).toMatch(/\| test \| 20 \| 10 \| 50\.0% \|/);
    expect(fs.readFileSync(path.join(w.dir, "report.md"), "utf8")).toContain("**REGRESSION**");
  }, 600_000);

  it("nodes that never finish time out, naming the stuck node ids", async () => {
    w.sim.store.scenario = "stuck";
    const api = { ...(localFile["kernelci:api"] as object), accessTokenExpireSeconds: 7201 };
    await w.reconfigure({}, { "kernelci:api": api });
    const { message } = await failingUp(w.stack);
    const stuck = w.sim.store.all().filter((n) => n.kind === "test" && n.state === "running");
    expect(stuck.length).toBe(5);
    expect(message).toMatch(/still in flight/);
    for (const node of stuck) expect(message).toContain(node.id);
  }, 600_000);
});

describe("a drain that never empties", () => {
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    w = await world("proc-drain", "drain-stuck", () => ({ drain: { enabled: true, timeoutMinutes: 0.05 } }));
  }, 120_000);
  afterAll(() => w.close());

  // Nodes of this scenario may still finish while the drain waits: what is in flight once it
  // has given up is what it must name.
  const inFlight = () =>
    w.sim.store
      .all()
      .filter((n) => n.state !== "done")
      .map((n) => n.id)
      .sort();

  it("fails with the node ids in flight and updates nothing", async () => {
    const { message, steps } = await failingUp(w.stack);
    const stuck = inFlight();
    expect(stuck.length).toBeGreaterThan(0);
    for (const id of stuck) expect(message).toContain(id);
    expect(message).toMatch(/stays scaled to 0/);
    expect(steps.filter((s) => deploymentUrn.test(s.urn))).toEqual([]);
  }, 600_000);

  it("with force, the rollout proceeds and the ids are in the Drain's outputs", async () => {
    await w.reconfigure({ drain: { enabled: true, timeoutMinutes: 0.05, force: true } });
    const { steps, outputs } = await up(w.stack);
    const stuck = inFlight();
    expect(stuck.length).toBeGreaterThan(0);
    expect(index(steps, "pre", deploymentUrn)).toBeGreaterThan(index(steps, "outputs", drainUrn));
    expect(outputs.drain).toMatchObject({ forced: true, inFlight: expect.arrayContaining(stuck) });
  }, 600_000);
});
