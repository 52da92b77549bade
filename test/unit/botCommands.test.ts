import { type Change, decide, initialPolicyState, type PolicyState, type Timing } from "../../bot/policy";
import { parseTimeline, simulate } from "../../bot/simulate";

// Chat-ops through the pure policy (part 2): an admin's deploy and trigger.
const MIN = 60_000;
const timing: Timing = {
  settleMs: 5 * MIN,
  cooldownMs: 30 * MIN,
  fullIntervalMs: 360 * MIN,
  checkIntervalMs: 15 * MIN,
};
const T0 = Date.parse("2026-01-05T12:00:00Z");
const change = (what: string, at = T0): Change => ({
  at,
  source: `d-${what}`,
  repo: "kernelci/kernelci-api",
  pr: 7,
  what,
});
/** One full cycle an hour ago, ended 10 minutes ago: inside both the full interval and the cool-down. */
const recent: PolicyState = {
  ...initialPolicyState,
  nextId: 2,
  lastStart: T0 - 60 * MIN,
  lastFullStart: T0 - 60 * MIN,
  lastEnd: T0 - 10 * MIN,
};

describe("chat-ops in the deploy policy (bot/policy.ts)", () => {
  it("an admin's deploy starts a partial deploy at once, skipping the cool-down, with what was scheduled", () => {
    const scheduled = decide(
      recent,
      { type: "change", change: change("pull_request synchronize") },
      T0,
      timing,
    );
    expect(scheduled.actions[0]).toMatchObject({ kind: "schedule", at: T0 - 10 * MIN + 30 * MIN });
    const now = decide(
      scheduled.state,
      { type: "deploy-now", change: change("@kcibot deploy by padovan") },
      T0 + MIN,
      timing,
    );
    expect(now.actions).toEqual([expect.objectContaining({ kind: "start" })]);
    expect(now.state.running).toMatchObject({ cycle: "partial", startedAt: T0 + MIN });
    expect(now.state.running?.changes.map((c) => c.what)).toEqual([
      "pull_request synchronize",
      "@kcibot deploy by padovan",
    ]);
    expect(now.state.scheduled).toBeNull();
  });

  it("an admin's deploy is partial even when a full cycle would be due", () => {
    const idle = { ...initialPolicyState };
    expect(
      decide(idle, { type: "deploy-now", change: change("deploy") }, T0, timing).state.running?.cycle,
    ).toBe("partial");
  });

  it("never interrupts a running full cycle: the command waits for the next deploy", () => {
    const full = decide(
      initialPolicyState,
      { type: "trigger", change: change("trigger"), force: false },
      T0,
      timing,
    ).state;
    expect(full.running?.cycle).toBe("full");
    for (const type of ["deploy-now", "trigger"] as const) {
      const d = decide(full, { type, change: change(type), force: true }, T0 + MIN, timing);
      expect(d.actions).toEqual([expect.objectContaining({ kind: "wait" })]);
      expect(d.state.running).toBe(full.running);
    }
  });

  it("a trigger within the full interval is refused unless forced, and then starts a full cycle", () => {
    const refused = decide(recent, { type: "trigger", change: change("trigger"), force: false }, T0, timing);
    expect(refused.state).toBe(recent);
    expect(refused.actions).toEqual([
      { kind: "wait", reason: expect.stringContaining("within the full interval (add --force)") },
    ]);
    const forced = decide(
      recent,
      { type: "trigger", change: change("trigger --force"), force: true },
      T0,
      timing,
    );
    expect(forced.state.running).toMatchObject({ cycle: "full" });
    expect(forced.state.lastFullStart).toBe(T0);
    const due = { ...recent, lastFullStart: T0 - 361 * MIN };
    expect(
      decide(due, { type: "trigger", change: change("trigger"), force: false }, T0, timing).state.running
        ?.cycle,
    ).toBe("full");
  });
});

describe("bot simulate with comments and a failed deploy to bisect (bot/simulate.ts)", () => {
  it("prints the bisection's deploys and the exclusion, then acts on an admin's comment", () => {
    const prs = Array.from({ length: 8 }, (_, i) => `kernelci/kernelci-pipeline#${i + 1}`);
    const text = [
      { at: "2026-11-28T10:00:00Z", type: "webhook", event: "push", repo: "kernelci/kernelci-core" },
      { at: "2026-11-28T10:30:00Z", type: "deploy-failed", error: "x", prs, faulty: [prs[5]] },
      {
        at: "2026-11-28T20:00:00Z",
        type: "comment",
        repo: "kernelci/kernelci-api",
        pr: 4,
        role: "admin",
        body: "@kcibot deploy",
      },
      {
        at: "2026-11-28T20:01:00Z",
        type: "comment",
        repo: "kernelci/kernelci-api",
        pr: 4,
        role: "other",
        body: "@kcibot trigger",
      },
    ]
      .map((l) => JSON.stringify(l))
      .join("\n");
    const { decisions } = simulate(parseTimeline(text, "t.jsonl"), timing, {
      partial: 20 * MIN,
      full: 180 * MIN,
    });
    const bisectStarts = decisions.filter(
      (d) => d.action === "start" && d.reason.startsWith("bisecting deploy #1"),
    );
    expect(bisectStarts.length).toBeLessThanOrEqual(4);
    expect(bisectStarts.at(-1)?.prs).not.toContain(prs[5]);
    expect(decisions.filter((d) => d.action === "exclude").map((d) => d.reason)).toEqual([
      `${prs[5]} found faulty: deploy #1 failed`,
    ]);
    const last = decisions.filter((d) => d.action === "start").at(-1);
    expect(last).toMatchObject({
      at: "2026-11-28T20:00:00.000Z",
      cycle: "partial",
      prs: ["kernelci/kernelci-api#4"],
    });
  });
});
