import { z } from "zod";
import {
  type Action,
  type Change,
  type Cycle,
  decide,
  initialPolicyState,
  nextWakeup,
  type PolicyEvent,
  type PolicyState,
  type Timing,
} from "./policy";

/**
 * `bot simulate`: a timeline replayed through the policy with no I/O. Deploys last the
 * configured time of their cycle unless a `deploy-failed` line ends the running one earlier.
 * The periodic check finds every change (a webhook or a `forge` line) made since the last
 * deploy started, as the real check finds PRs and commits the last staging branch missed.
 */

const isoTime = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

const lineSchema = z.discriminatedUnion("type", [
  z
    .object({
      at: isoTime,
      type: z.literal("webhook"),
      event: z.enum(["pull_request", "push"]),
      action: z.string().optional(),
      repo: z.string().min(1),
      pr: z.number().int().positive().optional(),
      sha: z.string().optional(),
    })
    .strict(),
  /** A change the bot got no webhook for (it was down): only the periodic check finds it. */
  z
    .object({
      at: isoTime,
      type: z.literal("forge"),
      repo: z.string().min(1),
      pr: z.number().int().positive().optional(),
    })
    .strict(),
  /** The running deploy fails at this time. */
  z.object({ at: isoTime, type: z.literal("deploy-failed"), error: z.string().optional() }).strict(),
]);

export type TimelineLine = z.infer<typeof lineSchema>;

/** Parses a JSONL timeline; every bad line is named with its number. */
export function parseTimeline(text: string, source: string): TimelineLine[] {
  const lines: TimelineLine[] = [];
  const problems: string[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      problems.push(`${source}:${i + 1}: not JSON (${(err as Error).message})`);
      return;
    }
    const parsed = lineSchema.safeParse(json);
    if (parsed.success) lines.push(parsed.data);
    else
      problems.push(
        ...parsed.error.issues.map((e) => `${source}:${i + 1}: ${e.path.join(".") || "line"}: ${e.message}`),
      );
  });
  if (problems.length > 0)
    throw new Error(`Invalid timeline (nothing was simulated):\n  ${problems.join("\n  ")}`);
  return lines.sort((a, b) => a.at - b.at);
}

/** One printed decision: what `bot simulate` writes per line. */
export interface SimulatedDecision {
  at: string;
  action: "schedule" | "start" | "restart" | "finish";
  cycle: Cycle;
  reason: string;
  deploy?: number;
  prs?: string[];
  result?: string;
}

export interface Simulation {
  decisions: SimulatedDecision[];
  /** Every action with its time, for the property tests. */
  trace: { at: number; action: Action }[];
  /** The webhook changes, in arrival order. */
  accepted: Change[];
}

function changeOf(line: TimelineLine, index: number): Change | null {
  if (line.type === "deploy-failed") return null;
  const what =
    line.type === "forge" ? "forge change" : `${line.event}${line.action ? ` ${line.action}` : ""}`;
  const base = { at: line.at, source: `${line.type}-${index}`, repo: line.repo, what };
  return {
    ...base,
    ...(line.pr === undefined ? {} : { pr: line.pr }),
    ...("sha" in line && line.sha ? { sha: line.sha } : {}),
  };
}

function printable(at: number, action: Action): SimulatedDecision | null {
  const time = new Date(at).toISOString();
  const prs = (cs: Change[]) => [
    ...new Set(cs.map((c) => `${c.repo}${c.pr === undefined ? "" : `#${c.pr}`}`)),
  ];
  switch (action.kind) {
    case "schedule":
      return { at: time, action: "schedule", cycle: action.cycle, reason: action.reason };
    case "start":
    case "restart":
      return {
        at: time,
        action: action.kind,
        cycle: action.deploy.cycle,
        reason: action.reason,
        deploy: action.deploy.id,
        prs: prs(action.deploy.changes),
      };
    case "finish":
      return {
        at: time,
        action: "finish",
        cycle: action.deploy.cycle,
        reason: action.reason,
        deploy: action.deploy.id,
        result: action.result,
      };
    default:
      return null;
  }
}

/** Replays `lines` until every line is consumed and nothing is left to deploy. */
export function simulate(
  lines: TimelineLine[],
  timing: Timing,
  durations: Record<Cycle, number>,
): Simulation {
  let state: PolicyState = initialPolicyState;
  const trace: Simulation["trace"] = [];
  const accepted: Change[] = [];
  const forge: Change[] = [];
  let finishAt: number | null = null;
  let next = 0;
  let clock = lines[0]?.at ?? 0;
  const apply = (event: PolicyEvent, now: number) => {
    const decision = decide(state, event, now, timing);
    state = decision.state;
    for (const action of decision.actions) {
      trace.push({ at: now, action });
      if (action.kind === "start" || action.kind === "restart")
        finishAt = now + durations[action.deploy.cycle];
      if (action.kind === "check") {
        const since = state.lastStart ?? Number.NEGATIVE_INFINITY;
        apply({ type: "updates", changes: forge.filter((c) => c.at > since) }, now);
      }
    }
  };
  for (let steps = 0; steps < 1_000_000; steps++) {
    const wake = nextWakeup(state, timing);
    const running = state.running;
    const candidates = [
      lines[next]?.at ?? Infinity,
      wake ?? Infinity,
      running && finishAt !== null ? finishAt : Infinity,
    ];
    const now = Math.max(clock, Math.min(...candidates));
    clock = now;
    // Stop once the input is consumed and only a check that would find nothing remains.
    const pendingForge = forge.some((c) => c.at > (state.lastStart ?? Number.NEGATIVE_INFINITY));
    if (now === Infinity || (next >= lines.length && !running && !state.scheduled && !pendingForge)) break;
    if (running && finishAt !== null && now === finishAt && now <= (lines[next]?.at ?? Infinity)) {
      apply({ type: "finished", id: running.id, attempt: running.attempt, result: "succeeded" }, now);
    } else if (now === lines[next]?.at) {
      const line = lines[next];
      const change = changeOf(line, next);
      next++;
      if (line.type === "deploy-failed") {
        if (running)
          apply(
            {
              type: "finished",
              id: running.id,
              attempt: running.attempt,
              result: "failed",
              error: line.error,
            },
            now,
          );
      } else if (change) {
        forge.push(change);
        if (line.type === "webhook") {
          accepted.push(change);
          apply({ type: "change", change }, now);
        }
      }
    } else {
      apply({ type: "tick" }, now);
    }
  }
  const decisions = trace
    .map((t) => printable(t.at, t.action))
    .filter((d): d is SimulatedDecision => d !== null);
  return { decisions, trace, accepted };
}
