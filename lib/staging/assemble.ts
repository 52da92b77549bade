/**
 * The staging branch engine: merges a plan's PRs on top of main, applies the local patches,
 * tags and force-pushes when the content changed. Used by the StagingBranch dynamic provider
 * (loaded at run time by path), the CLI and the bot.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { KciError } from "../errors";
import { listPatches, patchesDigest } from "../git/patches";
import { type GitAuth, type GitIdentity, WorkingClone } from "../git/repo";
import { datedTagPattern, datedTagsToPrune, nextDatedTag } from "../git/tags";
import { withLock } from "../lock";
import type { StagingBranchPlan } from "./plan";

export interface AssembleRequest
  extends Pick<
    StagingBranchPlan,
    "repo" | "remote" | "main" | "branch" | "patches" | "tagPrefix" | "tagLimit"
  > {
  /** The main commit to start from (the plan's); the fetched tip of main when omitted. */
  base?: string;
  /** The PRs to merge, in merge order, at exactly these heads. */
  eligible: { number: number; head: string; title?: string }[];
  /** Where working clones are kept (one per repository, reused across runs). */
  workDir: string;
  /** Without it nothing leaves the machine: the branch and tag exist only in the working clone. */
  push: boolean;
  now: Date;
  auth?: GitAuth;
  identity?: GitIdentity;
}

export interface AssembleResult {
  repo: string;
  base: string;
  merged: { number: number; head: string }[];
  conflicts: { number: number; files: string[] }[];
  /** The local patches applied, relative to the patches directory. */
  patches: string[];
  /** The branch's commit: the new one, or the remote's when nothing changed. */
  head: string;
  /** The new tag, or null when the content did not change. */
  tag: string | null;
  /** True when the content differs from the remote branch. */
  changed: boolean;
  pushed: boolean;
  prunedTags: string[];
}

const DEFAULT_IDENTITY: GitIdentity = { name: "KernelCI staging", email: "bot@kernelci.org" };

const prList = (prs: { number: number }[]) =>
  prs.length === 0 ? "no PR" : prs.map((p) => `#${p.number}`).join(", ");

/** A local patch failed to apply: the whole run stops and nothing is pushed. */
export class PatchError extends KciError {
  constructor(
    readonly repo: string,
    readonly patch: string,
    readonly mergedBefore: { number: number; head: string }[],
    detail: string,
  ) {
    super(
      "conflict",
      `${repo}: the local patch ${patch} does not apply on top of main and ${prList(mergedBefore)}; ` +
        "all patches must apply, so nothing was pushed and the remote is untouched. " +
        "Update the patch (or label the PR it conflicts with staging-skip) and run again.\n" +
        detail,
    );
    this.name = "PatchError";
  }
}

/** The push was refused or failed; being atomic, it changed nothing on the remote. */
export class PushError extends KciError {
  constructor(repo: string, remote: string, detail: string) {
    super(
      "remote",
      `${repo}: pushing to ${remote} failed; the push is atomic, so the remote is untouched. ` +
        `Check the credentials and branch protection, then run again.\n${detail}`,
    );
    this.name = "PushError";
  }
}

/** A planned commit is not on the remote any more (a PR was force-pushed after the preview). */
export class StalePlanError extends KciError {
  constructor(repo: string, what: string, sha: string) {
    super(
      "conflict",
      `${repo}: ${what} ${sha} is no longer on the remote (it moved after the plan was made); ` +
        "nothing was merged or pushed. Run preview/up again to plan from the current heads.",
    );
    this.name = "StalePlanError";
  }
}

/** The fetch that brings main, the staging branch, every PR head and the dated tags at once. */
export function stagingRefspecs(tagPrefix: string): string[] {
  return [
    "+refs/heads/*:refs/remotes/origin/*",
    "+refs/pull/*/head:refs/remotes/origin/pull/*",
    `+refs/tags/${tagPrefix}*:refs/tags/${tagPrefix}*`,
  ];
}

/** What a run produced, kept in the working clone to recognise a no-op without merging again. */
interface RunRecord {
  fingerprint: string;
  result: Pick<AssembleResult, "base" | "merged" | "conflicts" | "patches" | "head">;
}

/** Everything the branch's content depends on: same fingerprint and same remote head, same branch. */
function fingerprintOf(req: AssembleRequest, base: string): string {
  const inputs = {
    remote: req.remote,
    branch: req.branch,
    base,
    eligible: req.eligible.map((p) => `${p.number}@${p.head}`),
    patches: patchesDigest(req.patches),
  };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
}

function recordFile(dir: string, branch: string): string {
  return path.join(dir, ".git", `kci-staging-${encodeURIComponent(branch)}.json`);
}

function readRecord(file: string): RunRecord | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as RunRecord;
  } catch {
    return null;
  }
}

/** Builds the staging branch of one repository (under a lock on its working clone). */
export async function assembleStagingBranch(req: AssembleRequest): Promise<AssembleResult> {
  const dir = path.join(req.workDir, req.repo);
  return withLock(dir, async () => {
    const clone = await WorkingClone.open(dir, req.remote, {
      auth: req.auth,
      identity: req.identity ?? DEFAULT_IDENTITY,
    });
    await clone.fetch(stagingRefspecs(req.tagPrefix));

    const base = req.base ?? (await clone.resolve(`refs/remotes/origin/${req.main}`));
    if (!base)
      throw new Error(
        `${req.repo}: the remote ${req.remote} has no branch ${req.main}; nothing was changed.`,
      );
    const missing = await clone.missingCommits([base, ...req.eligible.map((p) => p.head)]);
    if (missing.includes(base)) throw new StalePlanError(req.repo, `main (${req.main}) at`, base);
    const gone = req.eligible.find((p) => missing.includes(p.head));
    if (gone) throw new StalePlanError(req.repo, `the head of PR #${gone.number},`, gone.head);

    // The same inputs as the run that made the remote branch: nothing to merge or push.
    const remoteRef = `refs/remotes/origin/${req.branch}`;
    const remoteHead = await clone.resolve(remoteRef);
    const fingerprint = fingerprintOf(req, base);
    const record = recordFile(dir, req.branch);
    const last = readRecord(record);
    if (last && last.fingerprint === fingerprint && remoteHead === last.result.head) {
      return { repo: req.repo, ...last.result, tag: null, changed: false, pushed: false, prunedTags: [] };
    }
    const remember = (head: string) =>
      fs.writeFileSync(
        record,
        JSON.stringify({ fingerprint, result: { ...summary, head } } satisfies RunRecord),
      );

    // Merges happen in memory; the worktree is only needed for `git am`, once, at the end.
    const merged: AssembleResult["merged"] = [];
    const conflicts: AssembleResult["conflicts"] = [];
    let tip = base;
    let tipTree = (await clone.treeOf(base)) as string;
    for (const pr of req.eligible) {
      const message = `Merge PR #${pr.number}${pr.title ? `: ${pr.title}` : ""}\n\nhead ${pr.head}`;
      const outcome = await clone.mergeCommit(tip, tipTree, pr.head, message);
      if (outcome.ok) {
        merged.push({ number: pr.number, head: pr.head });
        tip = outcome.commit;
        tipTree = outcome.tree;
      } else {
        conflicts.push({ number: pr.number, files: outcome.files });
      }
    }

    const patches = listPatches(req.patches);
    let head = tip;
    if (patches.length > 0) {
      await clone.checkout(tip);
      const applied = await clone.applyPatches(patches);
      if (!applied.ok) {
        await clone.checkout(base);
        throw new PatchError(req.repo, applied.patch, merged, applied.message);
      }
      head = (await clone.resolve("HEAD")) as string;
    }

    const changed = remoteHead === null || (await clone.treeOf(head)) !== (await clone.treeOf(remoteRef));
    const summary = {
      base,
      merged,
      conflicts,
      patches: patches.map((p) => path.relative(req.patches as string, p)),
    };
    if (!changed) {
      remember(remoteHead);
      return {
        repo: req.repo,
        ...summary,
        head: remoteHead,
        tag: null,
        changed,
        pushed: false,
        prunedTags: [],
      };
    }

    const existing = (await clone.tags(`${req.tagPrefix}*`)).filter((t) =>
      datedTagPattern(req.tagPrefix).test(t),
    );
    const tag = nextDatedTag(req.tagPrefix, req.now, existing);
    await clone.tag(
      tag,
      `${req.repo} ${req.branch}: main ${base}\n\n` +
        `merged: ${merged.map((m) => `#${m.number} ${m.head}`).join(", ") || "none"}\n` +
        `conflicts: ${prList(conflicts)}\npatches: ${patches.length}`,
      head,
    );
    const prunedTags = datedTagsToPrune(req.tagPrefix, [...existing, tag], req.tagLimit);
    if (!req.push) return { repo: req.repo, ...summary, head, tag, changed, pushed: false, prunedTags: [] };

    try {
      await clone.push([
        `+${head}:refs/heads/${req.branch}`,
        `refs/tags/${tag}:refs/tags/${tag}`,
        ...prunedTags.map((t) => `:refs/tags/${t}`),
      ]);
    } catch (err) {
      await clone.deleteLocalTags([tag]);
      throw new PushError(req.repo, req.remote, err instanceof Error ? err.message : String(err));
    }
    await clone.deleteLocalTags(prunedTags);
    remember(head);
    return { repo: req.repo, ...summary, head, tag, changed, pushed: true, prunedTags };
  });
}

/** The inputs of a StagingBranch resource: a plan, where to keep the clone, and push credentials. */
export interface StagingBranchInputs extends StagingBranchPlan {
  workDir: string;
  /** GitHub token for HTTPS pushes (a Pulumi secret input; never copied into the outputs). */
  token?: string;
}

/** The resource's state: the plan it applied (what `diff` compares with) and what came out. */
export interface StagingBranchOutputs extends StagingBranchPlan {
  merged: { number: number; head: string }[];
  conflicts: { number: number; files: string[] }[];
  patchesApplied: string[];
  head: string;
  tag: string | null;
  pushed: boolean;
}

/** Applies a plan (create or update of the resource): merge, patch, tag, push when changed. */
export async function applyStagingBranch(
  inputs: StagingBranchInputs,
  now: Date,
): Promise<StagingBranchOutputs> {
  const { workDir, token, ...plan } = inputs;
  const result = await assembleStagingBranch({
    ...plan,
    workDir,
    push: true,
    now,
    auth: token ? { token } : undefined,
  });
  return {
    ...plan,
    merged: result.merged,
    conflicts: result.conflicts,
    patchesApplied: result.patches,
    head: result.head,
    tag: result.tag,
    pushed: result.pushed,
  };
}
