import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DrainFailure, drain, inFlight, recentSince, resume } from "../../lib/kernelci/drain";
import type { KernelciNode } from "../../lib/kernelci/node";
import { recordingScaler } from "../../lib/kernelci/scale";
import type { ScenarioName } from "../../local/kernelciSimulator/scenarios";
import { compressedTimings, SimulatorStore, storeApi } from "../../local/kernelciSimulator/store";
import { fakeClock } from "../support/clock";

function setup(scenario: ScenarioName) {
  const start = Date.parse("2026-11-20T10:00:00Z");
  const store = new SimulatorStore(scenario, compressedTimings, start, "d4a1d4a1");
  const clock = fakeClock(start, (now) => store.tick(now));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-drain-"));
  const file = path.join(dir, "trigger-scale.jsonl");
  return { store, clock, file, deps: { api: storeApi(store), scaler: recordingScaler(file) } };
}

const run = (force: boolean) => ({
  trigger: { namespace: "kernelci-pipeline", name: "trigger" },
  windowHours: 24,
  policy: { initialMs: 50, maxMs: 200, factor: 2, timeoutMs: 30_000 },
  force,
});

describe("drain decisions", () => {
  it("keeps running, available and closing nodes, sorted by id", () => {
    const node = (id: string, state: KernelciNode["state"]) => ({ id, state }) as KernelciNode;
    expect(
      inFlight([node("b", "closing"), node("a", "running"), node("c", "done"), node("d", "available")]).map(
        (n) => n.id,
      ),
    ).toEqual(["a", "b", "d"]);
  });

  it("counts checkouts of the last hours as recent", () => {
    expect(recentSince(Date.parse("2026-11-20T10:00:00Z"), 24)).toBe("2026-11-19T10:00:00.000Z");
  });
});

describe("the drain against the simulated pipeline", () => {
  it("pauses the trigger, then waits for the checkout in flight to finish", async () => {
    const { store, clock, file, deps } = setup("happy");
    const pending = store.all().filter((n) => n.state !== "done");
    expect(pending.length).toBe(1);
    const result = await drain(deps, run(false), clock);
    expect(result).toMatchObject({ triggerReplicasBefore: 1, inFlight: [], forced: false, cancelled: [] });
    expect(store.all().every((n) => n.state === "done")).toBe(true);
    const recorded = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(recorded).toMatchObject([{ namespace: "kernelci-pipeline", name: "trigger", replicas: 0 }]);
  });

  it("fails on timeout with the ids still in flight, leaving the trigger paused", async () => {
    const { store, clock, deps } = setup("drain-stuck");
    const failure = drain(deps, run(false), clock);
    await expect(failure).rejects.toThrow(DrainFailure);
    await expect(failure).rejects.toThrow(/still in flight after 0\.5 min/);
    await expect(failure).rejects.toThrow(/stays scaled to 0 .*set procedure\.drain\.force/s);
    const stuck = store.all().filter((n) => n.state !== "done");
    expect(stuck.length).toBeGreaterThan(0);
    for (const node of stuck) await expect(failure).rejects.toThrow(node.id);
  });

  it("with force, goes on and reports what was still in flight", async () => {
    const { store, clock, deps } = setup("drain-stuck");
    const result = await drain(deps, run(true), clock);
    expect(result.forced).toBe(true);
    expect(result.inFlight).toEqual(
      store
        .all()
        .filter((n) => n.state !== "done")
        .map((n) => n.id)
        .sort(),
    );
  });

  it("cancels legacy bisections when asked to", async () => {
    const { clock, deps } = setup("happy");
    const result = await drain(
      { ...deps, cancelBisections: async () => ["http://jenkins/job/kernel-bisection/3/"] },
      run(false),
      clock,
    );
    expect(result.cancelled).toEqual(["http://jenkins/job/kernel-bisection/3/"]);
  });

  it("resumes the trigger at the replicas it had, and leaves alone a trigger that did not exist", async () => {
    const { clock, file, deps } = setup("happy");
    const result = await drain(deps, run(false), clock);
    await resume(deps.scaler, run(false).trigger, result.triggerReplicasBefore);
    await resume(deps.scaler, { namespace: "kernelci-pipeline", name: "absent" }, null);
    const recorded = fs
      .readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).replicas);
    expect(recorded).toEqual([0, 1]);
  });
});
