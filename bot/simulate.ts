import { z } from "zod";
import { type Bisection, describeBisection, nextDeploy, recordResult, startBisection } from "./bisect";
import { authorize, parseCommands } from "./chatops";
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
  /**
   * The running deploy fails at this time. With `prs` (`owner/name#N`, the PRs it held) and
   * `faulty` (those that break it), the bot's bisection is replayed: a step fails when it holds
   * a faulty PR.
   */
  z
    .object({
      at: isoTime,
      type: z.literal("deploy-failed"),
      error: z.string().optional(),
      prs: z.array(z.string().regex(/^[^#\s]+#\d+$/, "expected owner/name#N")).optional(),
      faulty: z.array(z.string()).optional(),
    })
    .strict(),
  /** A PR comment by someone in `role`: its `@kcibot` commands act as in the bot. */
  z
    .object({
      at: isoTime,
      type: z.literal("comment"),
      repo: z.string().min(1),
      pr: z.number().int().positive(),
      login: z.string().min(1).default("someone"),
      role: z.enum(["admin", "maintainer", "trusted", "other"]),
      body: z.string(),
    })
    .strict(),
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
  action: "schedule" | "start" | "restart" | "finish" | "exclude";
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

/** The change a `webhook` or `forge` line makes. */
function changeOf(line: Extract<TimelineLine, { type: "webhook" | "forge" }>, index: number): Change {
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
        prs: action.deploy.include ?? prs(action.deploy.changes),
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

/** A comment line's commands, as the bot would act on them (the PR's head is not known here). */
function commentEvents(line: Extract<TimelineLine, { type: "comment" }>, index: number): PolicyEvent[] {
  const change = (what: string): Change => ({
    at: line.at,
    source: `comment-${index}`,
    repo: line.repo,
    pr: line.pr,
    what: `${what} by ${line.login}`,
  });
  return parseCommands(line.body).flatMap((command): PolicyEvent[] => {
    const verdict = authorize(command, line.role, { authorTrusted: false, head: "0".repeat(40) });
    switch (verdict.effect) {
      case "deploy-now":
        return [{ type: "deploy-now", change: change("@kcibot deploy") }];
      case "trigger":
        return [{ type: "trigger", change: change("@kcibot trigger"), force: verdict.force }];
      case "ack":
      case "skip":
      case "unskip":
        return [{ type: "change", change: change(`@kcibot ${verdict.effect}`) }];
      default:
        return [];
    }
  });
}

/** The bot's bisection replayed against a list of faulty PRs: a step fails when it holds one. */
function bisectionReplay(
  apply: (event: PolicyEvent, now: number) => void,
  exclude: (pr: string, now: number, failed: number) => void,
) {
  let b: (Bisection & { faulty: string[]; failed: number }) | null = null;
  const go = (now: number) => {
    if (!b) return;
    const include = nextDeploy(b);
    if (include)
      return apply(
        { type: "bisect", include, reason: `bisecting deploy #${b.failed}: ${describeBisection(b)}` },
        now,
      );
    for (const pr of b.culprits) exclude(pr, now, b.failed);
    apply({ type: "bisect-end", reason: `bisection of deploy #${b.failed}: ${describeBisection(b)}` }, now);
    b = null;
  };
  return {
    running: () => b !== null,
    start(prs: string[], faulty: string[], failed: number, now: number) {
      b = { ...startBisection(prs), faulty, failed };
      go(now);
    },
    resultOf: (d: { include?: string[] }): "succeeded" | "failed" =>
      b && d.include?.some((pr) => b?.faulty.includes(pr)) ? "failed" : "succeeded",
    stepped(ok: boolean, now: number) {
      if (b) b = { ...b, ...recordResult(b, ok) };
      go(now);
    },
  };
}

/**
 * The policy driven by a timeline: its state, every action it took, and when the running deploy
 * ends. A `check` action is answered at once with the forge's changes since the last deploy start.
 */
class PolicyReplay {
  state: PolicyState = initialPolicyState;
  readonly trace: Simulation["trace"] = [];
  readonly accepted: Change[] = [];
  /** Every change, with or without a webhook: what the periodic check can find. */
  readonly forge: Change[] = [];
  readonly excluded: SimulatedDecision[] = [];
  finishAt: number | null = null;
  private readonly bisection = bisectionReplay(
    (event, now) => this.apply(event, now),
    (pr, now, failed) =>
      this.excluded.push({
        at: new Date(now).toISOString(),
        action: "exclude",
        cycle: "partial",
        reason: `${pr} found faulty: deploy #${failed} failed`,
      }),
  );

  constructor(
    private readonly timing: Timing,
    private readonly durations: Record<Cycle, number>,
  ) {}

  apply(event: PolicyEvent, now: number): void {
    const decision = decide(this.state, event, now, this.timing);
    this.state = decision.state;
    for (const action of decision.actions) {
      this.trace.push({ at: now, action });
      if (action.kind === "start" || action.kind === "restart")
        this.finishAt = now + this.durations[action.deploy.cycle];
      if (action.kind === "check") this.apply({ type: "updates", changes: this.unseenChanges() }, now);
    }
  }

  unseenChanges(): Change[] {
    const since = this.state.lastStart ?? Number.NEGATIVE_INFINITY;
    return this.forge.filter((c) => c.at > since);
  }

  /** The running deploy reaches its end: it fails when a bisection step holds a faulty PR. */
  finish(now: number): void {
    const running = this.state.running;
    if (!running) return;
    const result = this.bisection.resultOf(running);
    this.apply({ type: "finished", id: running.id, attempt: running.attempt, result }, now);
    if (running.trigger === "bisect") this.bisection.stepped(result === "succeeded", now);
  }

  /** Line number `index` of the timeline happens at `now`. */
  line(line: TimelineLine, index: number, now: number): void {
    const running = this.state.running;
    if (line.type === "deploy-failed") {
      if (!running) return;
      const { id, attempt } = running;
      this.apply({ type: "finished", id, attempt, result: "failed", error: line.error }, now);
      if (line.prs && !this.bisection.running()) this.bisection.start(line.prs, line.faulty ?? [], id, now);
    } else if (line.type === "comment") {
      for (const event of commentEvents(line, index)) this.apply(event, now);
    } else {
      const change = changeOf(line, index);
      this.forge.push(change);
      if (line.type === "webhook") {
        this.accepted.push(change);
        this.apply({ type: "change", change }, now);
      }
    }
  }
}

/** Replays `lines` until every line is consumed and nothing is left to deploy. */
export function simulate(
  lines: TimelineLine[],
  timing: Timing,
  durations: Record<Cycle, number>,
): Simulation {
  const replay = new PolicyReplay(timing, durations);
  let next = 0;
  let clock = lines[0]?.at ?? 0;
  for (let steps = 0; steps < 1_000_000; steps++) {
    const { state, finishAt } = replay;
    const lineAt = lines[next]?.at ?? Infinity;
    const endAt = state.running && finishAt !== null ? finishAt : Infinity;
    const now = Math.max(clock, Math.min(lineAt, nextWakeup(state, timing) ?? Infinity, endAt));
    clock = now;
    // Stop once the input is consumed and only a check that would find nothing remains.
    const idle = !state.running && !state.scheduled && replay.unseenChanges().length === 0;
    if (now === Infinity || (next >= lines.length && idle)) break;
    if (now === endAt && now <= lineAt) replay.finish(now);
    else if (now === lineAt) replay.line(lines[next], next++, now);
    else replay.apply({ type: "tick" }, now);
  }
  return { decisions: printed(replay), trace: replay.trace, accepted: replay.accepted };
}

/** What `bot simulate` prints: the decisions and exclusions, in time order. */
function printed({ trace, excluded }: PolicyReplay): SimulatedDecision[] {
  return [
    ...trace.map((t) => printable(t.at, t.action)).filter((d): d is SimulatedDecision => d !== null),
    ...excluded,
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
