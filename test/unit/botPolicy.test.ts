import fc from "fast-check";
import type { Action, Timing } from "../../bot/policy";
import { simulate, type TimelineLine } from "../../bot/simulate";

// The seed 003 policy over long random timelines (a fake clock: the simulator's), checked on
// every action it takes.
const MIN = 60_000;
const timing: Timing = {
  settleMs: 5 * MIN,
  cooldownMs: 30 * MIN,
  fullIntervalMs: 360 * MIN,
  checkIntervalMs: 15 * MIN,
};
const durations = { partial: 20 * MIN, full: 180 * MIN };
const T0 = Date.parse("2026-01-05T00:00:00Z");
/** The coverage bound stated in bot/policy.ts: max(settle, cooldown, longest deploy + cooldown). */
const bound = Math.max(
  timing.settleMs,
  timing.cooldownMs,
  Math.max(durations.full, durations.partial) + timing.cooldownMs,
);

const repos = ["kernelci/kernelci-core", "kernelci/kernelci-api", "kernelci/kernelci-pipeline"];
const step = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 10 * MIN }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 90 * MIN }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 14 * 60 * MIN }) },
);
const entry = fc.record({
  gap: step,
  kind: fc.constantFrom("webhook", "webhook", "webhook", "webhook", "forge", "deploy-failed"),
  repo: fc.constantFrom(...repos),
  pr: fc.integer({ min: 1, max: 40 }),
});
const timeline = fc.array(entry, { minLength: 1, maxLength: 120 }).map((entries) => {
  let t = T0;
  return entries.map((e): TimelineLine => {
    t += e.gap;
    if (e.kind === "deploy-failed") return { at: t, type: "deploy-failed" };
    if (e.kind === "forge") return { at: t, type: "forge", repo: e.repo, pr: e.pr };
    return { at: t, type: "webhook", event: "pull_request", action: "synchronize", repo: e.repo, pr: e.pr };
  });
});

type Started = Extract<Action, { kind: "start" | "restart" }>;

function run(lines: TimelineLine[]) {
  const sim = simulate(lines, timing, durations);
  const starts = sim.trace.filter((t): t is { at: number; action: Started } =>
    ["start", "restart"].includes(t.action.kind),
  );
  return { ...sim, starts };
}

describe("the deploy policy over random timelines", () => {
  const params = { numRuns: 300 };

  it("never runs two deploys at once", () => {
    fc.assert(
      fc.property(timeline, (lines) => {
        let running: number | null = null;
        for (const { action } of run(lines).trace) {
          if (action.kind === "start") {
            expect(running).toBeNull();
            running = action.deploy.id;
          } else if (action.kind === "restart") {
            expect(running).toBe(action.deploy.id);
          } else if (action.kind === "finish") {
            expect(running).toBe(action.deploy.id);
            running = null;
          }
        }
      }),
      params,
    );
  });

  it("starts full cycles at least the full interval apart, and makes every deploy full once it has passed", () => {
    fc.assert(
      fc.property(timeline, (lines) => {
        let lastFull: number | null = null;
        for (const { at, action } of run(lines).starts) {
          if (action.kind !== "start") continue;
          const due = lastFull === null || at - lastFull >= timing.fullIntervalMs;
          expect(action.deploy.cycle).toBe(due ? "full" : "partial");
          if (action.deploy.cycle === "full") lastFull = at;
        }
      }),
      params,
    );
  });

  it("restarts a deploy at most once, and never a full cycle", () => {
    fc.assert(
      fc.property(timeline, (lines) => {
        const restarts = new Map<number, number>();
        for (const { action } of run(lines).starts) {
          if (action.kind !== "restart") continue;
          expect(action.deploy.cycle).toBe("partial");
          restarts.set(action.deploy.id, (restarts.get(action.deploy.id) ?? 0) + 1);
        }
        for (const count of restarts.values()) expect(count).toBe(1);
      }),
      params,
    );
  });

  it("covers every accepted change by a deploy that starts after it, within the stated bound", () => {
    fc.assert(
      fc.property(timeline, (lines) => {
        const { accepted, starts } = run(lines);
        for (const change of accepted) {
          const cover = starts.find(
            (s) => s.at >= change.at && s.action.deploy.changes.some((c) => c.source === change.source),
          );
          expect(cover).toBeDefined();
          expect((cover?.at ?? Infinity) - change.at).toBeLessThanOrEqual(bound);
        }
      }),
      params,
    );
  });

  it("starts webhook deploys after the settle time, or at the end of the cool-down; nothing starts within it", () => {
    fc.assert(
      fc.property(timeline, (lines) => {
        let lastEnd: number | null = null;
        for (const { at, action } of run(lines).trace) {
          if (action.kind === "finish") lastEnd = at;
          if (action.kind !== "start") continue;
          if (lastEnd !== null) expect(at).toBeGreaterThanOrEqual(lastEnd + timing.cooldownMs);
          if (action.deploy.trigger !== "webhook") continue;
          const first = Math.min(...action.deploy.changes.map((c) => c.at));
          const expected =
            lastEnd !== null && first - lastEnd < timing.cooldownMs
              ? lastEnd + timing.cooldownMs
              : first + timing.settleMs;
          expect(at).toBe(expected);
        }
      }),
      params,
    );
  });

  it("checks the forge on quiet days: a change without a webhook gets a full cycle, no change gets nothing", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 48 * 60 }), fc.boolean(), (minutes, changed) => {
        const at = T0 + 60 * MIN + minutes * MIN;
        const lines: TimelineLine[] = [
          { at: T0, type: "webhook", event: "push", repo: repos[0] },
          ...(changed ? [{ at, type: "forge", repo: repos[1], pr: 7 } as TimelineLine] : []),
        ];
        const { starts } = run(lines);
        expect(starts).toHaveLength(changed ? 2 : 1);
        if (changed) {
          const [first, second] = starts;
          expect(second.action.deploy).toMatchObject({ cycle: "full", trigger: "check" });
          expect(second.at).toBeGreaterThanOrEqual(Math.max(at, first.at + timing.fullIntervalMs));
          expect(second.at).toBeLessThanOrEqual(
            Math.max(at, first.at + timing.fullIntervalMs) + timing.checkIntervalMs,
          );
        }
      }),
      params,
    );
  });
});
