import * as path from "node:path";
import { advance, type BisectionHost, bisectionFor, headsOf, releaseOnPush, stepFinished } from "./bisector";
import { type BisectionStep, botFileOf, runningStep } from "./botFile";
import { DeployCancelled, type Deployer, type DeployOutcome, type Progress } from "./deployer";
import { type Delivery, headMoved, meaningOf, type PrComment, type Relevance } from "./events";
import type { Logger } from "./log";
import type { BotMetrics } from "./metrics";
import { enqueue, type Report } from "./outbox";
import { MAX_TIMER_MS, OutboxFlusher } from "./outboxFlusher";
import { type Action, type Deploy, decide, nextWakeup, type PolicyEvent, type Timing } from "./policy";
import type { PullRequestSide } from "./pullRequestSide";
import { type BotState, logName, type Operation, record, remember } from "./state";
import type { StateStore } from "./store";
import { changesBetween, type Snapshot, type UpdateSource } from "./updates";

export interface RunnerOptions {
  store: StateStore;
  deployer: Deployer;
  updates: UpdateSource;
  timing: Timing;
  relevance: Relevance;
  limits: { seen: number; history: number };
  logDir: string;
  hostname: string;
  log: Logger;
  metrics: BotMetrics;
  now?: () => number;
  /** Called after each action is carried out (notifications). */
  onAction?: (action: Action, state: BotState) => void | Promise<void>;
  /** Chat-ops, acks and PR reports (part 2); without it the bot only deploys. */
  pullRequests?: PullRequestSide;
}

interface InFlight {
  deploy: Deploy;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * The bot's only moving part: events (deliveries, timers, deploy ends, check answers) are
 * handled one at a time in arrival order; each goes through the policy, the new state is saved
 * before anything is done, then the actions become one timer and engine calls.
 */
export class Runner {
  private queue: Promise<void> = Promise.resolve();
  private depth = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: InFlight | null = null;
  private readonly snapshots = new Map<string, Snapshot>();
  /** How each attempt ended, by `id/attempt`, until its report is worked out. */
  private readonly outcomes = new Map<string, DeployOutcome>();
  private readonly outbox: OutboxFlusher | undefined;
  private readonly seen: Set<string>;
  private stopped = false;
  progress: Progress | null = null;
  readonly now: () => number;

  constructor(private readonly o: RunnerOptions) {
    this.now = o.now ?? Date.now;
    this.seen = new Set(o.store.state.seen);
    const side = o.pullRequests;
    this.outbox =
      side &&
      new OutboxFlusher((batch, now) => side.flush(batch, now), {
        state: () => this.state,
        save: (state) => o.store.save(state),
        inQueue: (task) => this.enqueue(task),
        now: () => this.now(),
      });
  }

  get state(): BotState {
    return this.o.store.state;
  }

  /** Seeds a fresh state from the stack's history, then resumes what a stop interrupted. */
  async start(): Promise<void> {
    const { policy, history } = this.state;
    if (policy.lastStart === null && history.length === 0) {
      const last = await this.o.deployer.lastDeploys().catch((err) => {
        this.o.log.warn(
          { err: String(err) },
          "could not read the stack's history; starting from an empty state",
        );
        return null;
      });
      if (last) {
        this.o.log.info(last, "fresh state: last deploys taken from the stack's history");
        await this.o.store.save({ ...this.state, policy: { ...policy, ...last } });
      }
    }
    await this.dispatch({ type: "boot" });
  }

  /** Takes a verified delivery; a delivery id seen before is acknowledged and changes nothing. */
  accept(delivery: Delivery): "accepted" | "duplicate" {
    if (this.seen.has(delivery.id)) return "duplicate";
    this.seen.add(delivery.id);
    this.enqueue(() => this.handleDelivery(delivery));
    return "accepted";
  }

  dispatch(event: PolicyEvent): Promise<void> {
    return this.enqueue(async () => {
      await this.apply(event);
    });
  }

  /** Stops timers and cancels the engine operation; the state still says it ran, so the next start re-runs it. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.outbox?.stop();
    this.inflight?.abort.abort();
    await this.inflight?.done;
    await this.queue;
  }

  private enqueue(task: () => Promise<void> | void): Promise<void> {
    this.depth++;
    this.o.metrics.queueDepth.set(this.depth);
    const run = this.queue.then(async () => {
      try {
        if (!this.stopped) await task();
      } catch (err) {
        this.o.log.error({ err: String(err) }, "event handling failed");
      } finally {
        this.depth--;
        this.o.metrics.queueDepth.set(this.depth);
      }
    });
    this.queue = run;
    return run;
  }

  private async handleDelivery(delivery: Delivery): Promise<void> {
    const seen = remember(this.state.seen, delivery.id, this.o.limits.seen);
    if (seen.length < this.state.seen.length + 1) this.seen.delete(this.state.seen[0]);
    const meaning = meaningOf(delivery, this.o.relevance);
    const base = { delivery: delivery.id, event: delivery.event };
    const moved = headMoved(delivery);
    if (moved && this.o.pullRequests) {
      const { acks, reports } = this.o.pullRequests.onPush(moved, this.state, delivery.id);
      const released = releaseOnPush(this.state, moved, this.o.pullRequests.skipLabel);
      if (released) await this.o.store.save({ ...this.state, excluded: released.excluded });
      await this.keep(acks, [...reports, ...(released?.reports ?? [])]);
      if (released) this.syncBotFile(runningStep(this.state));
    }
    if ("comment" in meaning) {
      await this.o.store.save({ ...this.state, seen });
      return this.handleComment(meaning.comment);
    }
    if ("ignored" in meaning) {
      this.o.log.info({ ...base, decision: "ignore" }, meaning.ignored);
      await this.o.store.save({ ...this.state, seen });
      return;
    }
    await this.apply({ type: "change", change: meaning.change }, seen);
  }

  /** Chat-ops: the comment's commands, judged; their policy events applied, their answers posted. */
  private async handleComment(comment: PrComment): Promise<void> {
    const side = this.o.pullRequests;
    if (!side) return;
    const outcome = await side.onComment(comment, this.state).catch((err) => {
      this.o.log.warn(
        { err: String(err), delivery: comment.delivery },
        "could not read the PR or the roles: comment ignored",
      );
      return null;
    });
    if (!outcome) return;
    const events = outcome.events.map((e) => e.type);
    this.o.log.info(
      { delivery: comment.delivery, decision: "chat-ops", events },
      `${comment.login} on ${comment.repo}#${comment.pr}`,
    );
    await this.keep(outcome.acks, outcome.reports);
    for (const [i, event] of outcome.events.entries()) {
      const actions = await this.apply(event);
      // An admin's deploy or trigger is answered with what the policy made of it.
      if (event.type === "change" || actions.length === 0) continue;
      const repo = comment.repo.split("/")[1] ?? comment.repo;
      const body = actions.map((a) => a.reason).join("\n");
      await this.keep(this.state.acks, [
        { kind: "reply", repo, pr: comment.pr, id: `${comment.delivery}/policy-${i}`, body },
      ]);
    }
  }

  /** What a bisection needs of the runner (bot/bisector.ts). */
  private get host(): BisectionHost {
    return {
      state: () => this.state,
      save: (state) => this.o.store.save(state),
      apply: (event) => this.apply(event),
      keep: (acks, reports) => this.keep(acks, reports),
      syncBotFile: (step) => this.syncBotFile(step),
      warn: (message) => this.o.log.warn({ decision: "bisection" }, message),
      skipLabel: this.o.pullRequests?.skipLabel ?? "",
    };
  }

  /** The bot's file for the staging engine: acks, excluded PRs, and the bisection step running. */
  private syncBotFile(step: BisectionStep): void {
    this.o.pullRequests?.writeBotFile(botFileOf(this.state, step));
  }

  /** After a deploy: a failure starts a bisection (part 2); a bisection step moves it on. */
  private async afterFinish(
    action: Extract<Action, { kind: "finish" }>,
    snapshot: Snapshot | undefined,
  ): Promise<void> {
    const side = this.o.pullRequests;
    if (!side) return;
    const ok = action.result === "succeeded";
    if (action.deploy.trigger === "bisect") {
      await this.enqueue(() => stepFinished(this.host, ok));
      return;
    }
    if (ok || !snapshot || this.state.bisection) return;
    const heads = headsOf(snapshot);
    if (Object.keys(heads).length === 0) return;
    const split = await side.suspects(heads, action.error ?? "").catch((err) => {
      this.o.log.warn({ err: String(err) }, "could not read the PRs' files: every PR is a suspect");
      return { suspects: Object.keys(heads), innocent: [] };
    });
    await this.enqueue(() =>
      advance(this.host, bisectionFor(action.deploy.id, action.error ?? "", heads, split)),
    );
  }

  /** Saves new acks (and writes them where the staging engine reads them) and queues reports. */
  private async keep(acks: BotState["acks"], reports: Report[]): Promise<void> {
    const changed = acks !== this.state.acks;
    const now = this.now();
    const outbox = reports.reduce((box, r) => enqueue(box, r, now), this.state.outbox);
    await this.o.store.save({ ...this.state, acks, outbox });
    if (changed) this.syncBotFile(runningStep(this.state));
    if (reports.length > 0) void this.outbox?.flush();
  }

  /** The PR reports of the actions just taken, worked out outside the event queue (it reads GitHub). */
  private async report(actions: Action[]): Promise<void> {
    const side = this.o.pullRequests;
    if (!side) return;
    for (const action of actions) {
      const key = "deploy" in action ? `${action.deploy.id}/${action.deploy.attempt}` : "";
      const outcome = this.outcomes.get(key);
      if (action.kind === "finish") this.outcomes.delete(key);
      const reports = await side.reportsFor(action, outcome).catch((err) => {
        this.o.log.warn({ err: String(err) }, "could not work out the PR reports of a deploy");
        return [];
      });
      if (reports.length > 0) await this.enqueue(() => this.keep(this.state.acks, reports));
    }
  }

  private async apply(event: PolicyEvent, seen = this.state.seen): Promise<Action[]> {
    const now = this.now();
    const before = this.state;
    const { state: policy, actions } = decide(before.policy, event, now, this.o.timing);
    const next: BotState = {
      ...before,
      seen,
      policy,
      history: record(before.history, actions, now, this.o.limits.history),
    };
    for (const action of actions) {
      const d = "deploy" in action ? action.deploy : undefined;
      this.o.log.info(
        {
          decision: action.kind,
          deploy: d?.id,
          attempt: d?.attempt,
          cycle: "cycle" in action ? action.cycle : d?.cycle,
          ...("at" in action ? { at: new Date(action.at).toISOString() } : {}),
        },
        action.reason,
      );
      if (action.kind === "start" || action.kind === "restart") {
        next.operation = {
          deploy: action.deploy.id,
          attempt: action.deploy.attempt,
          hostname: this.o.hostname,
          startedAt: now,
        };
      } else if (action.kind === "finish") {
        next.operation = null;
        const key = `${action.deploy.id}/${action.deploy.attempt}`;
        const snapshot = this.snapshots.get(key);
        if (action.result === "succeeded" && snapshot) next.deployed = snapshot;
        this.snapshots.delete(key);
        void this.afterFinish(action, snapshot);
      }
    }
    await this.o.store.save(next);
    for (const action of actions) this.perform(action, event, before.operation);
    this.rearm();
    void this.report(actions);
    for (const action of actions) await this.o.onAction?.(action, next);
    return actions;
  }

  private perform(action: Action, event: PolicyEvent, previous: Operation | null): void {
    switch (action.kind) {
      case "start":
        // After a bot restart, the interrupted operation's stale lock may be cleared.
        this.launch(action.deploy, event.type === "boot" ? previous : null);
        return;
      case "restart":
        this.o.metrics.restarts.inc();
        this.launch(action.deploy, previous);
        return;
      case "finish":
        this.o.metrics.deploys.inc({ cycle: action.deploy.cycle, result: action.result });
        this.progress = null;
        return;
      case "check":
        this.check();
        return;
      case "schedule":
      case "wait":
        return;
    }
  }

  private check(): void {
    const at = this.now();
    this.o.updates
      .snapshot()
      .then((snapshot) => changesBetween(this.state.deployed, snapshot, at))
      .catch((err) => {
        this.o.log.warn({ err: String(err) }, "the check for updates failed: trying again at the next check");
        return [];
      })
      .then((changes) => this.dispatch({ type: "updates", changes }));
  }

  /** Runs one attempt after the previous one has fully stopped: never two engine operations at once. */
  private launch(deploy: Deploy, interrupted: Operation | null): void {
    const previous = this.inflight;
    previous?.abort.abort();
    const abort = new AbortController();
    const logFile = path.join(this.o.logDir, logName(deploy.id, deploy.attempt));
    this.progress = { done: 0, total: 0 };
    const done = (async () => {
      await previous?.done;
      if (abort.signal.aborted) return;
      const snapshot = await this.o.updates.snapshot().catch(() => undefined);
      const outcome = await this.o.deployer
        .deploy({ deploy, logFile, interrupted }, abort.signal, (p) => {
          if (this.inflight?.abort === abort) this.progress = p;
        })
        .catch((err) =>
          err instanceof DeployCancelled
            ? null
            : { result: "failed" as const, error: String(err.message ?? err) },
        );
      if (outcome === null || abort.signal.aborted) return;
      if (snapshot) this.snapshots.set(`${deploy.id}/${deploy.attempt}`, snapshot);
      this.outcomes.set(`${deploy.id}/${deploy.attempt}`, outcome);
      await this.dispatch({
        type: "finished",
        id: deploy.id,
        attempt: deploy.attempt,
        result: outcome.result,
        ...(outcome.result === "failed" ? { error: outcome.error } : {}),
      });
    })();
    this.inflight = { deploy, abort, done };
  }

  private rearm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const wake = nextWakeup(this.state.policy, this.o.timing);
    if (wake === null || this.stopped) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, wake - this.now()));
    this.timer = setTimeout(() => void this.dispatch({ type: "tick" }), delay);
  }
}
