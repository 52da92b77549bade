import { DrainFailure, drain, inFlight, recentSince, resume } from "../../lib/kernelci/drain";
import type { KernelciNode } from "../../lib/kernelci/node";
import type { DeploymentScaler } from "../../lib/kernelci/scale";
import type { ScenarioName } from "../../local/kernelciSimulator/scenarios";
import { compressedTimings, SimulatorStore, storeApi } from "../../local/kernelciSimulator/store";
import { drainProvider, type TriggerResumeInputs, triggerResumeProvider } from "../../providers/drain";
import { fakeClock } from "../support/clock";
import { type KubeScaleDouble, startKubeScale } from "../support/kubeScaleServer";

/** Deployments in memory (namespace/name -> replicas), with the scale calls made. */
function fakeScaler(deployments: Record<string, number>) {
  const calls: { namespace: string; name: string; replicas: number }[] = [];
  const scaler: DeploymentScaler = {
    target: "memory",
    async replicas(namespace, name) {
      return deployments[`${namespace}/${name}`] ?? null;
    },
    async scale(namespace, name, replicas) {
      const previous = deployments[`${namespace}/${name}`];
      if (previous === undefined) return null;
      calls.push({ namespace, name, replicas });
      deployments[`${namespace}/${name}`] = replicas;
      return previous;
    },
  };
  return Object.assign(scaler, { calls });
}

function setup(scenario: ScenarioName) {
  const start = Date.parse("2026-11-20T10:00:00Z");
  const store = new SimulatorStore(scenario, compressedTimings, start, "d4a1d4a1");
  const clock = fakeClock(start, (now) => store.tick(now));
  const scaler = fakeScaler({ "kernelci-pipeline/trigger": 1 });
  return { store, clock, scaler, deps: { api: storeApi(store), scaler } };
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
    const { store, clock, scaler, deps } = setup("happy");
    const pending = store.all().filter((n) => n.state !== "done");
    expect(pending.length).toBe(1);
    const result = await drain(deps, run(false), clock);
    expect(result).toMatchObject({ triggerReplicasBefore: 1, inFlight: [], forced: false, cancelled: [] });
    expect(store.all().every((n) => n.state === "done")).toBe(true);
    expect(scaler.calls).toEqual([{ namespace: "kernelci-pipeline", name: "trigger", replicas: 0 }]);
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
    const { clock, scaler, deps } = setup("happy");
    const result = await drain(deps, run(false), clock);
    await resume(deps.scaler, run(false).trigger, result.triggerReplicasBefore);
    await resume(deps.scaler, { namespace: "kernelci-pipeline", name: "absent" }, null);
    expect(scaler.calls.map((c) => c.replicas)).toEqual([0, 1]);
    expect(await scaler.replicas("kernelci-pipeline", "trigger")).toBe(1);
  });
});

describe("the Drain and TriggerResume providers on a Kubernetes API (double)", () => {
  let kube: KubeScaleDouble;
  beforeEach(async () => {
    // Paused by a drain: the resume brings it back to the 2 replicas the drain found.
    kube = await startKubeScale({ "kernelci-pipeline/trigger": 0 });
  });
  afterEach(() => kube.close());
  const resumeInputs = (): TriggerResumeInputs => ({
    drainedAt: "2026-11-20T10:00:00.000Z",
    trigger: { namespace: "kernelci-pipeline", name: "trigger" },
    scaler: { kubeconfig: kube.kubeconfig, context: "double" },
    replicas: 2,
  });

  it("resumes the trigger, then reads its replicas on refresh: scaled by hand, then deleted", async () => {
    const { id, outs } = await triggerResumeProvider.create(resumeInputs());
    expect(kube.scales).toEqual([{ deployment: "kernelci-pipeline/trigger", replicas: 2 }]);
    expect(outs).toMatchObject({ replicas: 2, triggerReplicas: 2 });
    const read = async () => (await triggerResumeProvider.read(id, outs)).props?.triggerReplicas;
    expect(await read()).toBe(2);
    kube.deployments["kernelci-pipeline/trigger"] = 5;
    expect(await read()).toBe(5);
    delete kube.deployments["kernelci-pipeline/trigger"];
    expect(await read()).toBeNull();
    // Reading changes nothing on the cluster.
    expect(kube.scales).toHaveLength(1);
  });

  it("the drain's read sees the same hand-made change", async () => {
    const state = { trigger: resumeInputs().trigger, scaler: resumeInputs().scaler, triggerReplicas: 0 };
    kube.deployments["kernelci-pipeline/trigger"] = 3;
    expect((await drainProvider.read("drain-id", state)).props?.triggerReplicas).toBe(3);
    expect(kube.scales).toEqual([]);
  });
});
