/**
 * A release as configured, turned into per-component settings (pure), and planned: each
 * component's production branch read, and the change summary of the whole release.
 */
import type { ReleaseConfig } from "../../config/release";
import type { GitAuth, GitIdentity } from "../git/repo";
import { type ChangeSummary, summarizeRelease } from "./changeSummary";
import {
  type ProductionBranchPlan,
  type ProductionBranchSettings,
  planProductionBranch,
} from "./productionBranch";
import { releaseTag } from "./releaseTag";

export const RELEASE_IDENTITY: GitIdentity = { name: "KernelCI deploy", email: "bot@kernelci.org" };

/** `<root>/<name>.git`, unless the entry names its own remote. */
export const remoteOf = (root: string, name: string, own?: string) =>
  own ?? `${root.replace(/\/+$/, "")}/${name}.git`;

/**
 * The components released: every listed one, the legacy ones only when the legacy system is
 * enabled. `resolve` makes relative paths (local remotes, work dir) absolute.
 */
export function componentSettings(
  release: ReleaseConfig,
  legacyEnabled: boolean,
  resolve: (p: string) => string,
): ProductionBranchSettings[] {
  return release.components
    .filter((c) => legacyEnabled || !c.legacy)
    .map((c) => ({
      component: c.name,
      remote: resolve(remoteOf(release.remoteRoot, c.name, c.remote)),
      main: c.main,
      branch: release.branch,
      tag: releaseTag(release, c.tag),
      commit: c.commit ?? null,
      createTags: release.createTags,
      workDir: resolve(release.workDir),
      identity: RELEASE_IDENTITY,
    }));
}

export interface ReleasePlan {
  plans: ProductionBranchPlan[];
  summary: ChangeSummary;
}

/** Plans every component (one after the other: they share nothing but the machine). */
export async function planRelease(
  settings: readonly ProductionBranchSettings[],
  auth?: GitAuth,
): Promise<ReleasePlan> {
  const plans: ProductionBranchPlan[] = [];
  for (const s of settings) plans.push(await planProductionBranch(s, auth));
  return {
    plans,
    summary: summarizeRelease(
      plans.map((p) => ({
        component: p.component,
        tag: p.tag,
        branch: p.branch,
        target: p.target,
        deployed: p.deployed,
        commits: p.commits,
      })),
    ),
  };
}
