import { type BisectionStep, botFileOf, runningStep } from "./botFile";
import type { DeployOutcome } from "./deployer";
import type { Logger } from "./log";
import { enqueue, type Report } from "./outbox";
import { type FlushHost, OutboxFlusher } from "./outboxFlusher";
import type { Action, Deploy } from "./policy";
import type { PullRequestSide } from "./pullRequestSide";
import type { BotState } from "./state";

/** What the runner lends its PR feedback: its state, its event queue and its log. */
export interface FeedbackHost extends FlushHost {
  log: Logger;
}

/**
 * What the runner owes PRs (part 2): acks saved and mirrored in the bot's file, and reports
 * queued in the outbox and posted by its flusher, including the reports of each deploy.
 */
export class PullRequestFeedback {
  /** How each attempt ended, by `id/attempt`, until its report is worked out. */
  private readonly outcomes = new Map<string, DeployOutcome>();
  private readonly outbox: OutboxFlusher;

  constructor(
    readonly side: PullRequestSide,
    private readonly host: FeedbackHost,
  ) {
    this.outbox = new OutboxFlusher((batch, now) => side.flush(batch, now), host);
  }

  /** Keeps the deployer's outcome of an attempt for the reports of its `finish`. */
  deployEnded(deploy: Deploy, outcome: DeployOutcome): void {
    this.outcomes.set(`${deploy.id}/${deploy.attempt}`, outcome);
  }

  /** The bot's file for the staging engine: acks, excluded PRs, and the bisection step running. */
  syncBotFile(step: BisectionStep): void {
    this.side.writeBotFile(botFileOf(this.host.state(), step));
  }

  /** Saves new acks (and writes them where the staging engine reads them) and queues reports. */
  async keep(acks: BotState["acks"], reports: Report[]): Promise<void> {
    const state = this.host.state();
    const changed = acks !== state.acks;
    const now = this.host.now();
    const outbox = reports.reduce((box, r) => enqueue(box, r, now), state.outbox);
    await this.host.save({ ...state, acks, outbox });
    if (changed) this.syncBotFile(runningStep(this.host.state()));
    if (reports.length > 0) void this.outbox.flush();
  }

  /** The PR reports of the actions just taken, worked out outside the event queue (it reads GitHub). */
  async report(actions: Action[]): Promise<void> {
    for (const action of actions) {
      const key = "deploy" in action ? `${action.deploy.id}/${action.deploy.attempt}` : "";
      const outcome = this.outcomes.get(key);
      if (action.kind === "finish") this.outcomes.delete(key);
      const reports = await this.side.reportsFor(action, outcome).catch((err) => {
        this.host.log.warn({ err: String(err) }, "could not work out the PR reports of a deploy");
        return [];
      });
      if (reports.length > 0) await this.host.inQueue(() => this.keep(this.host.state().acks, reports));
    }
  }

  stop(): void {
    this.outbox.stop();
  }
}
