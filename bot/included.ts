import type { Change } from "./policy";
import type { IncludedPr } from "./report";

/**
 * The PRs a deploy includes, for its reports: those that started it (their changes) and those
 * the staging branches it built merged (the StagingBranch resources' `merged` outputs in the
 * stack's state). Pure.
 */

/** The type of the StagingBranch dynamic resources in an exported stack (providers/stagingBranch.ts). */
export const STAGING_BRANCH_TYPE = "pulumi-nodejs:dynamic/kernelci:StagingBranch";

const SHA = /^[0-9a-f]{40}$/;

/** The PRs of a deploy's changes, with the heads they were seen at. */
export function changedPrs(changes: readonly Change[]): IncludedPr[] {
  const byPr = new Map<string, IncludedPr>();
  for (const c of changes) {
    if (c.pr !== undefined && c.sha !== undefined && SHA.test(c.sha)) {
      byPr.set(`${c.repo}#${c.pr}`, { repo: c.repo, pr: c.pr, sha: c.sha });
    }
  }
  return [...byPr.values()];
}

/** The PRs merged into the staging branches, read from an exported stack (`stack.exportStack()`). */
export function mergedPrs(exported: unknown): IncludedPr[] {
  const resources = (exported as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
  if (!Array.isArray(resources)) return [];
  return resources.flatMap((r: { type?: string; outputs?: Record<string, unknown> }) => {
    const repo = r?.outputs?.repo;
    const merged = r?.outputs?.merged;
    if (r?.type !== STAGING_BRANCH_TYPE || typeof repo !== "string" || !Array.isArray(merged)) return [];
    return merged
      .filter((m): m is { number: number; head: string } => Number.isInteger(m?.number) && SHA.test(m?.head))
      .map((m) => ({ repo, pr: m.number, sha: m.head }));
  });
}

const shortName = (repo: string) => repo.split("/").at(-1) ?? repo;

/**
 * Every PR a deploy's report goes to, once each: the merged ones at the head merged, then those
 * that started it and were not merged (a conflict, say: they still get their final status).
 */
export function reportedPrs(changed: readonly IncludedPr[], merged: readonly IncludedPr[]): IncludedPr[] {
  const key = (p: IncludedPr) => `${shortName(p.repo)}#${p.pr}`;
  const seen = new Set(merged.map(key));
  return [...merged, ...changed.filter((p) => !seen.has(key(p)))];
}
