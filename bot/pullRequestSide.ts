import type { PullRequestClient } from "../lib/forge/pullRequests";
import type { BotFile } from "../lib/staging/botFile";
import type { Ack } from "./acks";
import { writeBotFile } from "./botFile";
import { type ChatOpsContext, type CommentOutcome, onComment, onPush } from "./commands";
import { type ComponentRule, componentsOf, failingComponent, suspectsOf } from "./components";
import type { DeployOutcome } from "./deployer";
import type { PrComment } from "./events";
import { changedPrs, reportedPrs } from "./included";
import { flush, type Pending, type Report } from "./outbox";
import type { Action } from "./policy";
import { deployReports, type IncludedPr } from "./report";
import type { BotState } from "./state";

/**
 * Part 2 of the bot, as the runner sees it: chat-ops, acks, and the reports a deploy owes its
 * PRs. Everything that touches GitHub goes through `client` and the outbox.
 */
export interface PullRequestSide {
  onComment(comment: PrComment, state: BotState): Promise<CommentOutcome>;
  onPush(
    moved: { repo: string; pr: number; sha: string },
    state: BotState,
    delivery: string,
  ): { acks: Ack[]; reports: Report[] };
  /** The reports a policy action leads to; `outcome` is the deployer's, after a finished deploy. */
  reportsFor(action: Action, outcome: DeployOutcome | undefined): Promise<Report[]>;
  flush(outbox: readonly Pending[], now: number): Promise<Pending[]>;
  /** The PRs of a failed deploy that may have caused it, and the others (they read GitHub). */
  suspects(heads: Record<string, string>, error: string): Promise<{ suspects: string[]; innocent: string[] }>;
  skipLabel: string;
  /** Writes the acks and the held PRs where the staging-branch engine reads them (staging.botFile). */
  writeBotFile(content: BotFile): void;
}

export interface PullRequestSideOptions extends Omit<ChatOpsContext, "status"> {
  client: PullRequestClient;
  botLogin: string;
  rules: ComponentRule[];
  botFile: string | undefined;
  /** The status page's URL, for links from PRs. */
  publicUrl: string;
  status: (state: BotState) => string;
  nextFull: (state: BotState) => string | undefined;
  state: () => BotState;
}

/** The pipe cleaner's summary (a stack output) as builds and pass rate. */
function cycleResult(outputs: Record<string, unknown> | undefined) {
  const summary = outputs?.pipeCleaner as
    | { kinds?: Record<string, { count: number; pass: number }> }
    | undefined;
  if (!summary?.kinds) return undefined;
  const kinds = Object.values(summary.kinds);
  const count = kinds.reduce((n, k) => n + k.count, 0);
  const pass = kinds.reduce((n, k) => n + k.pass, 0);
  return { builds: summary.kinds.kbuild?.count ?? 0, passRate: count ? pass / count : 0 };
}

export function createPullRequestSide(o: PullRequestSideOptions): PullRequestSide {
  const files = new Map<string, { files: string[]; truncated: boolean }>();
  const changedFiles = async (pr: IncludedPr) => {
    const key = `${pr.repo}#${pr.pr}@${pr.sha}`;
    if (!files.has(key)) files.set(key, await o.client.changedFiles(pr.repo.split("/")[1] ?? pr.repo, pr.pr));
    return {
      repo: pr.repo.split("/")[1] ?? pr.repo,
      pr: pr.pr,
      ...(files.get(key) as { files: string[]; truncated: boolean }),
    };
  };
  return {
    onComment: (comment, state) => onComment(comment, state.acks, { ...o, status: () => o.status(state) }),
    onPush: (moved, state, delivery) => onPush(moved, state.acks, delivery),
    async reportsFor(action, outcome) {
      if (action.kind !== "start" && action.kind !== "restart" && action.kind !== "finish") return [];
      const { deploy } = action;
      const finished = action.kind === "finish";
      // A failed bisection step is an experiment: only the one that deployed tells its PRs.
      if (finished && deploy.trigger === "bisect" && action.result !== "succeeded") return [];
      const changed = changedPrs(deploy.changes);
      const prs = finished ? reportedPrs(changed, outcome?.included ?? []) : changed;
      // What it redeployed follows from the PRs that started it; else (a bisection step, a
      // push to main) from every PR it included.
      const components =
        deploy.cycle === "full"
          ? []
          : componentsOf(await Promise.all((changed.length ? changed : prs).map(changedFiles)), o.rules)
              .components;
      const outputs = outcome?.result === "succeeded" ? outcome.outputs : undefined;
      return deployReports(finished ? "finish" : "start", prs, {
        cycle: deploy.cycle,
        state: !finished ? "pending" : action.result === "succeeded" ? "success" : "failure",
        components,
        tags: (outputs?.stagingTags as Record<string, string | null> | undefined) ?? {},
        result: finished ? cycleResult(outputs) : undefined,
        nextFull: o.nextFull(o.state()),
        url: `${o.publicUrl.replace(/\/$/, "")}/#deploy-${deploy.id}`,
        ...(finished && action.error ? { error: action.error } : {}),
      });
    },
    flush: (outbox, now) => flush(outbox, o.client, o.botLogin, now),
    skipLabel: o.skipLabel,
    async suspects(heads, error) {
      const prs = await Promise.all(
        Object.entries(heads).map(async ([key, sha]) => {
          const [repo, n] = key.split("#");
          return { key, ...(await changedFiles({ repo, pr: Number(n), sha })) };
        }),
      );
      return suspectsOf(prs, failingComponent(error), o.rules);
    },
    writeBotFile(content) {
      if (o.botFile) writeBotFile(o.botFile, content);
    },
  };
}
