import { planStagingBranches } from "../components/stagingBranches";
import type { StagingConfig } from "../config/staging";
import type { Forge } from "../lib/forge/types";
import type { Change } from "./policy";

/** What staging would be made of: per repository, the main tip and the eligible PR heads. */
export type Snapshot = Record<string, { base: string; pulls: Record<string, string> }>;

/** Where the periodic check reads the forge (rule 2). */
export interface UpdateSource {
  snapshot(): Promise<Snapshot>;
}

/**
 * The forge as the staging-branch engine sees it: the same plan (eligibility, main tip) the
 * StagingBranch resources are given, so the check and the deploy agree on what changed.
 */
export function forgeUpdates(
  config: StagingConfig,
  forge: Forge,
  projectRoot: string,
  fullName: (repo: string) => string,
): UpdateSource {
  return {
    async snapshot() {
      const plans = await planStagingBranches(config, forge, new Date(), projectRoot);
      return Object.fromEntries(
        plans.map((p) => [
          fullName(p.repo),
          { base: p.base, pulls: Object.fromEntries(p.eligible.map((e) => [String(e.number), e.head])) },
        ]),
      );
    },
  };
}

/** Every difference between the last deployed snapshot and now: new or gone PRs, moved heads, new main commits. */
export function changesBetween(before: Snapshot | null, after: Snapshot, at: number): Change[] {
  const changes: Change[] = [];
  for (const [repo, now] of Object.entries(after)) {
    const was = before?.[repo];
    const add = (what: string, pr?: string, sha?: string) =>
      changes.push({
        at,
        source: "check",
        repo,
        what,
        ...(pr ? { pr: Number(pr) } : {}),
        ...(sha ? { sha } : {}),
      });
    if (!was) {
      add(before === null ? "no deploy recorded yet" : "new repository", undefined, now.base);
      continue;
    }
    if (was.base !== now.base) add("new main commit", undefined, now.base);
    for (const [pr, head] of Object.entries(now.pulls)) {
      if (!(pr in was.pulls)) add("new eligible PR", pr, head);
      else if (was.pulls[pr] !== head) add("moved head", pr, head);
    }
    for (const pr of Object.keys(was.pulls)) if (!(pr in now.pulls)) add("PR left", pr);
  }
  return changes;
}
