import { compare, type PipeCleanerSummary, runPipeCleaner, summarize } from "../../lib/kernelci/pipeCleaner";
import type { ScenarioName } from "../../local/kernelciSimulator/scenarios";
import {
  compressedTimings,
  REFERENCE_CHECKOUT_ID,
  SimulatorStore,
  storeApi,
} from "../../local/kernelciSimulator/store";
import { fakeClock } from "../support/clock";

const commit = "abcdef0123456789abcdef0123456789abcdef01";
const policy = { initialMs: 50, maxMs: 200, factor: 2, timeoutMs: 60_000 };
const thresholds = { maxCountDropPercent: 10, maxPassRateDropPoints: 5 };

function setup(scenario: ScenarioName) {
  const start = Date.parse("2026-11-20T10:00:00Z");
  const store = new SimulatorStore(scenario, compressedTimings, start, "0badc0de");
  store.pushRevision({ tree: "kernelci", branch: "kernelci.org", commit, url: "x" }, start);
  return { store, api: storeApi(store), clock: fakeClock(start, (now) => store.tick(now)) };
}

const run = (baselineCheckout: string | null, previous: PipeCleanerSummary | null = null) => ({
  tree: "kernelci",
  commit,
  baselineCheckout,
  previous,
  thresholds,
  policy,
  pauseHint: "kubectl scale deployment/trigger --replicas=0",
});

describe("pipe cleaner decisions", () => {
  const summary = (kinds: PipeCleanerSummary["kinds"], id = "c2"): PipeCleanerSummary => ({
    checkoutId: id,
    tree: "kernelci",
    commit,
    kinds,
  });
  const kind = (count: number, pass: number) => ({
    count,
    pass,
    fail: count - pass,
    skip: 0,
    incomplete: 0,
    passRate: (100 * pass) / count,
  });

  it("accepts drops within the limits and flags a count drop beyond them", () => {
    const baseline = summary({ kbuild: kind(100, 100), test: kind(200, 160) }, "c1");
    expect(
      compare(summary({ kbuild: kind(90, 90), test: kind(200, 151) }), baseline, thresholds).regressed,
    ).toBe(false);
    const fewer = compare(summary({ kbuild: kind(89, 89), test: kind(200, 160) }), baseline, thresholds);
    expect(fewer.regressed).toBe(true);
    expect(fewer.rows.find((r) => r.kind === "kbuild")?.regressed).toBe(true);
    expect(fewer.table).toContain("| kbuild | 100 | 89 | 11.0% |");
  });

  it("flags a pass-rate drop of more than the allowed points, and a kind that vanished", () => {
    const baseline = summary({ kbuild: kind(10, 10), test: kind(100, 80) }, "c1");
    expect(
      compare(summary({ kbuild: kind(10, 10), test: kind(100, 74) }), baseline, thresholds).regressed,
    ).toBe(true);
    const gone = compare(summary({ kbuild: kind(10, 10) }), baseline, thresholds);
    expect(gone.rows.find((r) => r.kind === "test")).toMatchObject({
      count: 0,
      countDropPercent: 100,
      regressed: true,
    });
  });

  it("summarises per kind, excluding the checkout itself", () => {
    const { store } = setup("happy");
    const ref = store.get(REFERENCE_CHECKOUT_ID);
    const s = summarize(ref as never, store.query({ treeid: ref?.treeid ?? "" }));
    expect(s.kinds.checkout).toBeUndefined();
    expect(s.kinds.kbuild).toMatchObject({ count: 4, pass: 4, passRate: 100 });
    expect(s.kinds.test).toMatchObject({ count: 20, pass: 16, fail: 4, passRate: 80 });
  });
});

describe("the pipe cleaner against the simulated pipeline", () => {
  it("passes a healthy revision against the reference checkout and writes the report", async () => {
    const { api, clock } = setup("happy");
    let report = "";
    const result = await runPipeCleaner(
      api,
      run(REFERENCE_CHECKOUT_ID),
      (md) => {
        report = md;
      },
      clock,
    );
    expect(result.verdict).toBe("pass");
    expect(result.baselineCheckoutId).toBe(REFERENCE_CHECKOUT_ID);
    expect(result.summary.kinds.test?.count).toBe(20);
    expect(report).toContain(`| test | 20 | 16 | 4 | 0 | 0 | 80.0% |`);
  });

  it("has no verdict to give on a first run without a baseline", async () => {
    const { api, clock } = setup("happy");
    const result = await runPipeCleaner(api, run(null), () => undefined, clock);
    expect(result.verdict).toBe("no-baseline");
  });

  it("fails on a regression with the comparison table as the message, report written", async () => {
    const { api, clock } = setup("regression");
    let report = "";
    const failure = runPipeCleaner(
      api,
      run(REFERENCE_CHECKOUT_ID),
      (md) => {
        report = md;
      },
      clock,
    );
    await expect(failure).rejects.toThrow(
      /\| kbuild \| 4 \| 4 \| 0\.0% \| 100\.0% \| 50\.0% \| 50\.0 \| REGRESSION \|/,
    );
    await expect(failure).rejects.toThrow(/\| test \| 20 \| 10 \| 50\.0% \|/);
    await expect(failure).rejects.toThrow(/kubectl scale deployment\/trigger --replicas=0/);
    expect(report).toContain("**REGRESSION**");
  });

  it("compares with the previous result when no reference checkout is configured", async () => {
    const { api, clock } = setup("regression");
    const previous = summarize(
      { id: "prev", kind: "checkout", data: { kernel_revision: { tree: "kernelci", commit: "p" } } } as never,
      [],
    );
    previous.kinds = { kbuild: { count: 4, pass: 4, fail: 0, skip: 0, incomplete: 0, passRate: 100 } };
    await expect(runPipeCleaner(api, run(null, previous), () => undefined, clock)).rejects.toThrow(
      /vs baseline checkout prev/,
    );
  });

  it("times out naming the node ids still in flight", async () => {
    const { api, clock, store } = setup("stuck");
    const failure = runPipeCleaner(api, run(REFERENCE_CHECKOUT_ID), () => undefined, clock);
    await expect(failure).rejects.toThrow(/not done after 1\.0 min; \d+ node\(s\) still in flight/);
    const stuck = store.all().filter((n) => n.kind === "test" && n.state === "running");
    expect(stuck.length).toBe(5);
    for (const node of stuck) await expect(failure).rejects.toThrow(node.id);
  });

  it("times out when no checkout ever appears for the commit", async () => {
    const { api, clock } = setup("happy");
    await expect(
      runPipeCleaner(api, { ...run(null), commit: "f".repeat(40) }, () => undefined, clock),
    ).rejects.toThrow(/no checkout node for tree kernelci commit f{40}/);
  });
});
