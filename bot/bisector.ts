import { describeBisection, nextDeploy, recordResult, startBisection } from "./bisect";
import type { Report } from "./outbox";
import type { Action, PolicyEvent } from "./policy";
import { exclusionBody } from "./report";
import type { BotState } from "./state";
import type { Snapshot } from "./updates";

/**
 * Driving a bisection with real deploys (part 2): after a deploy fails, partial deploys of
 * subsets of its PRs find the faulty one; it is then held out (and labelled) until its author
 * pushes again. The search itself is the pure bot/bisect.ts.
 */

/** What the bisection needs of the runner; every call runs in the runner's event queue. */
export interface BisectionHost {
  state(): BotState;
  save(state: BotState): Promise<void>;
  apply(event: PolicyEvent): Promise<Action[]>;
  keep(acks: BotState["acks"], reports: Report[]): Promise<void>;
  /** Writes the bot's file for the staging engine: acks, excluded PRs, and this step's PRs. */
  syncBotFile(step: { include: string[]; reason: string } | null): void;
  warn(message: string): void;
  skipLabel: string;
}

export type Running = NonNullable<BotState["bisection"]>;

/** The PRs of a deploy as its snapshot saw them: `owner/name#N` -> head. */
export function headsOf(snapshot: Snapshot): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshot).flatMap(([repo, s]) =>
      Object.entries(s.pulls).map(([pr, sha]) => [`${repo}#${pr}`, sha]),
    ),
  );
}

/** The bisection of deploy `failed`, over the PRs its failure points at. */
export function bisectionFor(
  failed: number,
  error: string,
  heads: Record<string, string>,
  split: { suspects: string[]; innocent: string[] },
): Running {
  return { ...startBisection(split.suspects, split.innocent), failed, error, heads };
}

/** Runs the next step, or concludes when the search has ended. */
export async function advance(host: BisectionHost, b: Running): Promise<void> {
  const include = nextDeploy(b);
  if (include === null) return conclude(host, b);
  await host.save({ ...host.state(), bisection: b });
  const reason = `bisecting deploy #${b.failed}: ${describeBisection(b)}`;
  host.syncBotFile({ include, reason });
  await host.apply({ type: "bisect", include, reason });
}

/** A bisection step ended: record it, and go on. */
export async function stepFinished(host: BisectionHost, ok: boolean): Promise<void> {
  const b = host.state().bisection;
  if (b) await advance(host, { ...b, ...recordResult(b, ok) });
}

/** Holds the culprits out and tells their authors; then ordinary deploys go on. */
async function conclude(host: BisectionHost, b: Running): Promise<void> {
  const state = host.state();
  const found = b.outcome === "found" ? b.culprits : [];
  const reason = `found faulty by kcibot: deploy #${b.failed} failed`;
  const excluded = [...state.excluded, ...found.map((pr) => ({ pr, sha: b.heads[pr] ?? "", reason }))];
  await host.save({ ...state, bisection: null, excluded });
  host.syncBotFile(null);
  const reports = found.flatMap((key): Report[] => {
    const [full, n] = key.split("#");
    const repo = full.split("/")[1] ?? full;
    return [
      { kind: "label", repo, pr: Number(n), label: host.skipLabel, present: true },
      { kind: "comment", repo, pr: Number(n), body: exclusionBody(b.error, host.skipLabel) },
    ];
  });
  await host.keep(host.state().acks, reports);
  if (found.length === 0) host.warn(`deploy #${b.failed} failed and ${describeBisection(b)}: ${b.error}`);
  await host.apply({
    type: "bisect-end",
    reason: `bisection of deploy #${b.failed}: ${describeBisection(b)}`,
  });
}

/** A PR found faulty is let back in when its author pushes again: its label comes off. */
export function releaseOnPush(
  state: BotState,
  moved: { repo: string; pr: number; sha: string },
  skipLabel: string,
) {
  const key = `${moved.repo}#${moved.pr}`;
  const was = state.excluded.find((e) => e.pr === key && e.sha !== moved.sha);
  if (!was) return null;
  const repo = moved.repo.split("/")[1] ?? moved.repo;
  const reports: Report[] = [{ kind: "label", repo, pr: moved.pr, label: skipLabel, present: false }];
  return { excluded: state.excluded.filter((e) => e !== was), reports };
}
