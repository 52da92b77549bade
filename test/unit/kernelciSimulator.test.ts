import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { KernelciNode } from "../../lib/kernelci/node";
import { type Simulator, startSimulator } from "../../local/kernelciSimulator/server";
import {
  compressedTimings,
  matchesQuery,
  REFERENCE_CHECKOUT_ID,
  SimulatorStore,
} from "../../local/kernelciSimulator/store";

const token = "sim-token";
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, asserted field by field
async function getJson(url: string, auth = token): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${auth}` } });
  return { status: res.status, body: await res.json() };
}

/** Polls the simulator over HTTP until `check` holds (the simulator runs on compressed time). */
async function until<T>(probe: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the simulated pipeline (store)", () => {
  it("walks seed 004's flow: checkout running -> available -> builds -> tests -> all done", () => {
    const t0 = Date.parse("2026-11-20T10:00:00Z");
    const store = new SimulatorStore("regression", compressedTimings, t0, "aaaaaaaa");
    const checkout = store.pushRevision(
      { tree: "kernelci", branch: "b", commit: "c".repeat(40), url: "u" },
      t0,
    );
    const states: string[] = [];
    for (let t = t0; t <= t0 + 2000; t += 25) {
      store.tick(t);
      const c = store.get(checkout.id) as KernelciNode;
      if (states[states.length - 1] !== c.state) states.push(c.state);
    }
    expect(states).toEqual(["running", "available", "closing", "done"]);
    const tree = store.query({ treeid: checkout.treeid });
    expect(tree.every((n) => n.state === "done")).toBe(true);
    expect(tree.filter((n) => n.kind === "kbuild").map((n) => n.result)).toEqual([
      "pass",
      "pass",
      "fail",
      "fail",
    ]);
    expect(tree.filter((n) => n.kind === "test")).toHaveLength(10);
  });

  it("closes a node that never reports when its timeout passes, with node_timeout", () => {
    const t0 = Date.parse("2026-11-20T10:00:00Z");
    const timings = { ...compressedTimings, nodeTimeoutMs: 1000, checkoutTimeoutMs: 5000 };
    const store = new SimulatorStore("stuck", timings, t0, "bbbbbbbb");
    const checkout = store.pushRevision(
      { tree: "kernelci", branch: "b", commit: "d".repeat(40), url: "u" },
      t0,
    );
    for (let t = t0; t <= t0 + 6000; t += 50) store.tick(t);
    const tests = store.query({ treeid: checkout.treeid, kind: "test" });
    const lost = tests.filter((n) => n.result === "incomplete");
    expect(lost).toHaveLength(5);
    expect(lost.every((n) => n.state === "done" && n.data.error_code === "node_timeout")).toBe(true);
    expect(store.get(checkout.id)?.state).toBe("done");
  });

  it("matches kernelci-api queries: equality, dotted fields, __gt on dates, __ne, __re", () => {
    const node = {
      id: "x",
      kind: "checkout",
      state: "running",
      created: "2026-11-20T10:00:00.000Z",
      data: { kernel_revision: { commit: "abc", tree: "kernelci" } },
    } as unknown as KernelciNode;
    expect(matchesQuery(node, { kind: "checkout", "data.kernel_revision.commit": "abc" })).toBe(true);
    expect(matchesQuery(node, { "data.kernel_revision.tree": "mainline" })).toBe(false);
    expect(matchesQuery(node, { created__gt: "2026-11-20T09:00:00" })).toBe(true);
    expect(matchesQuery(node, { created__lt: "2026-11-20T09:00:00Z" })).toBe(false);
    expect(matchesQuery(node, { state__ne: "done", kind__re: "^check" })).toBe(true);
    expect(matchesQuery(node, { limit: "1", offset: "0" })).toBe(true);
  });
});

describe("the simulator over HTTP", () => {
  let sim: Simulator;
  let remote: string;
  let work: string;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-sim-"));
    remote = path.join(dir, "linux.git");
    work = path.join(dir, "work");
    git(dir, "init", "--quiet", "--bare", remote);
    git(dir, "init", "--quiet", "--initial-branch=master", work);
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "old");
    git(work, "push", "--quiet", remote, "HEAD:refs/heads/old");
    sim = await startSimulator({
      token,
      scenario: "happy",
      watch: [{ remote, tree: "kernelci" }],
      triggerPollMs: 50,
    });
  });
  afterAll(() => sim.close());

  it("refuses requests without the token", async () => {
    expect((await getJson(`${sim.url}/latest/nodes`, "wrong")).status).toBe(401);
  });

  it("serves nodes with filters and pagination, and a node by id", async () => {
    const page = await getJson(`${sim.url}/latest/nodes?kind=kbuild&limit=2&offset=1`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(4);
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    const ref = await getJson(`${sim.url}/latest/node/${REFERENCE_CHECKOUT_ID}`);
    expect(ref.body).toMatchObject({ id: REFERENCE_CHECKOUT_ID, kind: "checkout", state: "done" });
    expect((await getJson(`${sim.url}/latest/node/${"f".repeat(24)}`)).status).toBe(404);
  });

  it("turns a pushed branch head into a checkout that completes (the trigger), ignoring heads present at start", async () => {
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "new");
    const commit = git(work, "rev-parse", "HEAD");
    git(work, "push", "--quiet", remote, "HEAD:refs/heads/staging-mainline");
    const query = `${sim.url}/latest/nodes?kind=checkout&data.kernel_revision.commit=${commit}&data.kernel_revision.tree=kernelci`;
    const found = await until(
      () => getJson(query),
      (r) => r.body.items.length === 1 && r.body.items[0].state === "done",
    );
    expect(found.body.items[0].data.kernel_revision.branch).toBe("staging-mainline");
    const state = await getJson(`${sim.url}/sim/state`);
    expect(state.body.checkouts.map((c: { branch: string }) => c.branch)).not.toContain("old");
  });

  it("takes revisions and scenario changes on its control endpoints", async () => {
    const bad = await fetch(`${sim.url}/sim/scenario`, {
      method: "PUT",
      body: JSON.stringify({ scenario: "nope" }),
    });
    expect(bad.status).toBe(400);
    await fetch(`${sim.url}/sim/scenario`, {
      method: "PUT",
      body: JSON.stringify({ scenario: "regression" }),
    });
    const created = await fetch(`${sim.url}/sim/revisions`, {
      method: "POST",
      body: JSON.stringify({ tree: "kernelci", branch: "x", commit: "e".repeat(40) }),
    });
    const checkout = (await created.json()) as KernelciNode;
    expect(created.status).toBe(201);
    const kbuilds = await until(
      () => getJson(`${sim.url}/latest/nodes?treeid=${checkout.treeid}&kind=kbuild&state=done`),
      (r) => r.body.total === 4,
    );
    expect(kbuilds.body.items.filter((n: KernelciNode) => n.result === "fail")).toHaveLength(2);
  });
});
