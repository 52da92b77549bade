import Mustache from "mustache";
import type { Progress } from "./deployer";
import { type Cycle, cycleAt, nextCheckAt, type Timing } from "./policy";
import { type BotState, type DeployRecord, logName } from "./state";
import { statusTemplate } from "./statusTemplate";

export type BotStatus = "idle" | "settling" | "cooling down" | "deploying";

const iso = (t: number) => new Date(t).toISOString();

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** idle, settling, cooling down or deploying. */
export function statusOf(state: BotState): BotStatus {
  const { running, scheduled } = state.policy;
  if (running) return "deploying";
  if (scheduled) return scheduled.wait === "settle" ? "settling" : "cooling down";
  return "idle";
}

/** The next start and why: a scheduled deploy, or the next check for updates. */
export function nextStart(
  state: BotState,
  timing: Timing,
  now: number,
): { at: string; cycle: Cycle; reason: string } | null {
  const { scheduled } = state.policy;
  if (scheduled)
    return {
      at: iso(scheduled.at),
      cycle: cycleAt(state.policy, scheduled.at, timing),
      reason: scheduled.reason,
    };
  const check = nextCheckAt(state.policy, timing);
  if (check === null) return null;
  const at = Math.max(check, now);
  return {
    at: iso(at),
    cycle: "full",
    reason: "check the forge for updates; a full cycle if anything changed",
  };
}

function row(r: DeployRecord, now: number) {
  return {
    ...r,
    startedAt: iso(r.startedAt),
    duration: duration((r.endedAt ?? now) - r.startedAt),
    restartNote: r.attempt > 0 ? "restarted" : "",
    changes: r.changes.map((c) => ({
      label: `${c.repo}${c.pr === undefined ? "" : `#${c.pr}`} ${c.what}`,
      sha: c.sha?.slice(0, 12),
    })),
  };
}

/** The status page's HTML, server-rendered. */
export function renderStatusPage(args: {
  stack: string;
  state: BotState;
  progress: Progress | null;
  timing: Timing;
  now: number;
}): string {
  const { state, now } = args;
  const running = state.policy.running;
  const history = state.history
    .slice(-20)
    .reverse()
    .map((r) => row(r, now));
  return Mustache.render(statusTemplate, {
    stack: args.stack,
    state: statusOf(state),
    running: running && {
      ...running,
      startedAt: iso(running.startedAt),
      progress: args.progress && args.progress.total > 0 ? args.progress : null,
      log: logName(running.id, running.attempt),
    },
    next: nextStart(state, args.timing, now),
    lastFull: state.policy.lastFullStart === null ? "none yet" : iso(state.policy.lastFullStart),
    waiting: state.policy.waiting.length,
    hasHistory: history.length > 0,
    history,
  });
}
