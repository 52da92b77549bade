import * as path from "node:path";
import type { StagingConfig } from "../../config/staging";
import { resolveRole } from "../forge/roles";
import type { Forge } from "../forge/types";
import { patchesDigest } from "../git/patches";
import { lsRemote } from "../git/repo";
import { changedKeys, type DiffKeys } from "../inputs";
import { readBotFile } from "./botFile";
import {
  type Classification,
  classifyPulls,
  type EligibilityPolicy,
  type EligiblePull,
  type SkippedPull,
} from "./eligibility";

/** Everything that decides one repository's staging branch, with paths already absolute. */
export interface StagingBranchSettings extends EligibilityPolicy {
  repo: string;
  /** The staging branch, e.g. staging.kernelci.org. */
  branch: string;
  /** Directory of local patches applied after the PRs, or undefined for none. */
  patches?: string;
  tagPrefix: string;
  tagLimit: number;
  /** A team of the forge whose members are trusted; `trusted` stands in while it does not exist. */
  trustedTeam?: string;
  /** The bot's file: untrusted PRs a maintainer admitted at a given head, PRs held out. */
  botFile?: string;
}

/**
 * What a staging branch will be made of, known before anything is merged: the inputs of the
 * StagingBranch resource, so that `pulumi preview` shows which PRs enter or leave and why.
 */
export interface StagingBranchPlan {
  repo: string;
  remote: string;
  main: string;
  branch: string;
  /** The main branch's tip, the base of the merge. */
  base: string;
  /** In merge order. */
  eligible: EligiblePull[];
  skipped: SkippedPull[];
  /** Where the trusted logins came from (a team, or the configured list), for preview readers. */
  trustedFrom?: string;
  patches?: string;
  patchesDigest: string;
  tagPrefix: string;
  tagLimit: number;
}

/** The settings of `repo` from the stack's staging section; relative paths resolve against `projectRoot`. */
export function stagingSettings(
  config: StagingConfig,
  repo: StagingConfig["repos"][number],
  projectRoot: string,
): StagingBranchSettings {
  return {
    repo: repo.name,
    main: repo.main,
    branch: config.branch,
    trusted: config.trusted,
    skipLabel: config.skipLabel,
    skipList: config.skipList,
    skipDrafts: config.skipDrafts,
    staleDays: config.staleDays,
    patches: repo.patches ? path.resolve(projectRoot, repo.patches) : undefined,
    tagPrefix: config.tagPrefix,
    tagLimit: config.tagLimit,
    ...(config.trustedTeam ? { trustedTeam: config.trustedTeam } : {}),
    ...(config.botFile ? { botFile: path.resolve(projectRoot, config.botFile) } : {}),
  };
}

/** The remote has no branch named by the `main` setting: nothing was planned. */
export class MainBranchMissing extends Error {}

/** Asks the forge for the open PRs and the main tip, and decides what the branch will hold. */
export async function planStagingBranch(
  settings: StagingBranchSettings,
  forge: Forge,
  now: Date,
): Promise<{ plan: StagingBranchPlan; classification: Classification }> {
  const remote = forge.remote(settings.repo);
  const auth = forge.gitToken ? { token: forge.gitToken } : undefined;
  const [pulls, refs, trust] = await Promise.all([
    forge.openPulls(settings.repo),
    lsRemote(remote, [`refs/heads/${settings.main}`], auth),
    resolveRole(forge, { team: settings.trustedTeam, list: settings.trusted }),
  ]);
  const base = refs.get(`refs/heads/${settings.main}`);
  if (!base) {
    throw new MainBranchMissing(
      `${settings.repo}: the remote ${remote} has no branch ${settings.main}; nothing was changed. ` +
        "Check the repository's `main` setting in the staging configuration.",
    );
  }
  const bot = readBotFile(settings.botFile, settings.repo);
  const classification = classifyPulls(pulls, { ...settings, trusted: trust.logins, ...bot }, now);
  return {
    classification,
    plan: {
      repo: settings.repo,
      remote,
      main: settings.main,
      branch: settings.branch,
      base,
      eligible: classification.eligible,
      skipped: classification.skipped,
      trustedFrom: trust.source,
      ...(settings.patches ? { patches: settings.patches } : {}),
      patchesDigest: patchesDigest(settings.patches),
      tagPrefix: settings.tagPrefix,
      tagLimit: settings.tagLimit,
    },
  };
}

/**
 * What a new plan changes about the branch's content compared with the last one applied: the
 * keys whose change requires a merge and a push. Titles, authors, skip reasons and the tag
 * limit change nothing in the branch, so they are not listed; of the eligible PRs only the
 * numbers and heads count. (The StagingBranch provider's diff; self-contained, it is serialized.)
 */
export const planDiff: DiffKeys<StagingBranchPlan> = {
  keys: ["remote", "main", "branch", "base", "patchesDigest", "tagPrefix", "eligible"],
  compareBy: { eligible: (pulls) => (pulls ?? []).map((p) => `${p.number}@${p.head}`) },
};

/** The keys of `planDiff` that changed between two plans. */
export function changedPlanKeys(previous: Partial<StagingBranchPlan>, next: StagingBranchPlan): string[] {
  return changedKeys(planDiff, previous, next);
}
