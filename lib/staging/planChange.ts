/**
 * How two staging plans differ: pure functions of the plans, with no git or forge behind them,
 * so that the StagingBranch provider's `diff` loads this file and nothing else.
 */
import type { EligiblePull } from "./eligibility";
import type { StagingBranchPlan } from "./plan";

const pairKey = (p: Pick<EligiblePull, "number" | "head">) => `${p.number}@${p.head}`;

/**
 * What a new plan changes about the branch's content compared with the last one applied: the
 * keys whose change requires a merge and a push. Titles, authors, skip reasons and the tag
 * limit change nothing in the branch, so they are not listed.
 */
export function changedPlanKeys(previous: Partial<StagingBranchPlan>, next: StagingBranchPlan): string[] {
  const changed: string[] = [];
  for (const key of ["remote", "main", "branch", "base", "patchesDigest", "tagPrefix"] as const) {
    if (previous[key] !== next[key]) changed.push(key);
  }
  const before = (previous.eligible ?? []).map(pairKey).join(",");
  const after = next.eligible.map(pairKey).join(",");
  if (before !== after) changed.push("eligible");
  return changed;
}

/** The PRs entering, leaving, and whose head moved between two plans (for people to read). */
export function describePlanChange(
  previous: Pick<StagingBranchPlan, "eligible"> | undefined,
  next: Pick<StagingBranchPlan, "eligible">,
): { entering: number[]; leaving: number[]; moved: number[] } {
  const old = new Map((previous?.eligible ?? []).map((p) => [p.number, p.head]));
  const now = new Map(next.eligible.map((p) => [p.number, p.head]));
  return {
    entering: [...now.keys()].filter((n) => !old.has(n)),
    leaving: [...old.keys()].filter((n) => !now.has(n)),
    moved: [...now.keys()].filter((n) => old.has(n) && old.get(n) !== now.get(n)),
  };
}
