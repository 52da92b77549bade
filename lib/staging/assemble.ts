/**
 * The staging branch engine: merges a plan's PRs on top of main, applies the local patches,
 * tags and force-pushes when the content changed. Used by the StagingBranch dynamic provider
 * (loaded at run time by path), the CLI and the bot.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { KciError } from "../errors";
import { branchNameProblem, isCommitId, repoNameProblem, tagPrefixProblem } from "../git/names";
import { listPatches, patchesDigest } from "../git/patches";
import { pathInside } from "../git/paths";
import { type GitAuth, type GitIdentity, lsRemote, WorkingClone } from "../git/repo";
import {
  compareDatedTags,
  datedTagPattern,
  datedTagsToPrune,
  nextDatedTag,
  parseDatedTag,
  remoteDatedTagAt,
} from "../git/tags";
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
  /** Deadline of each git command (see DEFAULT_GIT_TIMEOUT_MS). */
  gitTimeoutMs?: number;
}

/** A PR left out because it does not merge: the conflicting paths, or why there are none. */
export interface Conflict {
  number: number;
  files: string[];
  /** Set when the PR cannot merge for another reason than paths (no common history). */
  reason?: string;
}

export interface AssembleResult {
  repo: string;
  base: string;
  merged: { number: number; head: string }[];
  conflicts: Conflict[];
  /** The local patches applied, relative to the patches directory. */
  patches: string[];
  /** The branch's commit: the new one, or the remote's when nothing changed. */
  head: string;
  /** The new tag, or null when the content did not change. */
  tag: string | null;
  /** The newest dated tag at `head`: the new one, or the one an earlier run pushed (null if none). */
  headTag: string | null;
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
      `${repo}: pushing to ${remote} failed; the push is atomic, so the remote is untouched. ${pushAdvice(detail)}\n${detail}`,
    );
    this.name = "PushError";
  }
}

/** What to check after a failed push, from git's own words (a refusal is not a lost connection). */
export function pushAdvice(detail: string): string {
  if (
    /no answer within|timed out|Could not resolve|Connection refused|Failed to connect|unable to access/i.test(
      detail,
    )
  )
    return "The remote could not be reached: check its URL and the network, then run again.";
  if (/denied|protected|permission|403|401|Authentication|hook declined|pre-receive/i.test(detail))
    return "The remote refused it: check the credentials and branch protection, then run again.";
  return "Read git's message below, then run again.";
}

/** A request the engine must not run: a name git would misread, a path outside the work dir. */
export class InvalidRequestError extends KciError {
  constructor(repo: string, problems: string[]) {
    super(
      "input",
      `${repo}: invalid staging request, nothing was changed:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "InvalidRequestError";
  }
}

/**
 * Every name of a request checked before git sees it: git's ref rules for the branches and
 * the tag prefix, a destination that is not the main branch, the repository name, the SHAs.
 */
export function requestProblems(
  req: Pick<AssembleRequest, "repo" | "main" | "branch" | "tagPrefix" | "base" | "eligible">,
): string[] {
  const problems: string[] = [];
  const repo = repoNameProblem(req.repo);
  if (repo) problems.push(`repository ${JSON.stringify(req.repo)} ${repo}`);
  for (const [what, name] of [
    ["main branch", req.main],
    ["staging branch", req.branch],
  ] as const) {
    const problem = branchNameProblem(name);
    if (problem)
      problems.push(`${what} ${JSON.stringify(name)} is not a valid git branch name: it ${problem}`);
  }
  if (req.branch === req.main)
    problems.push(`the staging branch is the main branch (${req.main}): it would be overwritten`);
  const prefix = tagPrefixProblem(req.tagPrefix);
  if (prefix) problems.push(`tag prefix ${JSON.stringify(req.tagPrefix)} ${prefix}`);
  if (req.base !== undefined && !isCommitId(req.base))
    problems.push(`base ${JSON.stringify(req.base)} is not a commit id`);
  for (const pr of req.eligible) {
    if (!isCommitId(pr.head))
      problems.push(`the head of PR #${pr.number} (${JSON.stringify(pr.head)}) is not a commit id`);
  }
  return problems;
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

/**
 * The one fetch of a run: main, the staging branch, the heads of the PRs to merge and the
 * dated tags, and nothing else (a real repository has thousands of PR refs and branches,
 * whose objects would dwarf the history of main). The branch and the PR heads are patterns
 * matching just their ref, so that one that does not exist (the first run; a PR closed since
 * the plan) fails nothing: a planned head missing afterwards is reported as a stale plan.
 */
export function stagingRefspecs(
  req: Pick<AssembleRequest, "main" | "branch" | "tagPrefix" | "eligible">,
): string[] {
  return [
    `+refs/heads/${req.main}:refs/remotes/origin/${req.main}`,
    `+refs/heads/${req.branch}*:refs/remotes/origin/${req.branch}*`,
    ...req.eligible.map((p) => `+refs/pull/${p.number}/head*:refs/remotes/origin/pull/${p.number}*`),
    `+refs/tags/${req.tagPrefix}*:refs/tags/${req.tagPrefix}*`,
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

/** Keyed by a hash of the branch: any valid branch name, however long, makes a short file name. */
function recordFile(dir: string, branch: string): string {
  const key = createHash("sha256").update(branch).digest("hex").slice(0, 32);
  return path.join(dir, ".git", `kci-staging-${key}.json`);
}

function readRecord(file: string): RunRecord | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as RunRecord;
  } catch {
    return null;
  }
}

/** Fetches what the run needs; returns the commit to start from. A planned commit gone fails it. */
async function fetchBase(clone: WorkingClone, req: AssembleRequest): Promise<string> {
  await clone.fetch(stagingRefspecs(req));
  const base = req.base ?? (await clone.resolve(`refs/remotes/origin/${req.main}`));
  if (!base)
    throw new Error(`${req.repo}: the remote ${req.remote} has no branch ${req.main}; nothing was changed.`);
  const missing = await clone.missingCommits([base, ...req.eligible.map((p) => p.head)]);
  if (missing.includes(base)) throw new StalePlanError(req.repo, `main (${req.main}) at`, base);
  const gone = req.eligible.find((p) => missing.includes(p.head));
  if (gone) throw new StalePlanError(req.repo, `the head of PR #${gone.number},`, gone.head);
  return base;
}

/** The dated tag already naming a head (the oldest): what a run that was killed after its push made. */
async function datedTagAt(clone: WorkingClone, prefix: string, commit: string): Promise<string | null> {
  const tags = (await clone.tagsAt(commit, `${prefix}*`)).map((name) => parseDatedTag(prefix, name));
  return tags.filter((t) => t !== null).sort(compareDatedTags)[0]?.name ?? null;
}

/**
 * Merges the PRs in order on top of `base`, in memory (no worktree): a PR that does not merge
 * is left out with its conflicting paths, and the next ones merge on what merged so far.
 */
export async function mergePullRequests(
  clone: WorkingClone,
  base: string,
  eligible: AssembleRequest["eligible"],
): Promise<{ tip: string; merged: AssembleResult["merged"]; conflicts: Conflict[] }> {
  const merged: AssembleResult["merged"] = [];
  const conflicts: Conflict[] = [];
  let tip = base;
  let tipTree = (await clone.treeOf(base)) as string;
  for (const pr of eligible) {
    const message = `Merge PR #${pr.number}${pr.title ? `: ${pr.title}` : ""}\n\nhead ${pr.head}`;
    const outcome = await clone.mergeCommit(tip, tipTree, pr.head, message);
    if (outcome.ok) {
      merged.push({ number: pr.number, head: pr.head });
      tip = outcome.commit;
      tipTree = outcome.tree;
    } else {
      const reason = outcome.unrelated ? { reason: outcome.message } : {};
      conflicts.push({ number: pr.number, files: outcome.files, ...reason });
    }
  }
  return { tip, merged, conflicts };
}

/** `git am` of the local patches on `tip`, the worktree's only use; on failure, back to `base`. */
async function applyLocalPatches(
  clone: WorkingClone,
  repo: string,
  patches: string[],
  at: { base: string; tip: string; merged: AssembleResult["merged"] },
): Promise<string> {
  await clone.checkout(at.tip);
  const applied = await clone.applyPatches(patches);
  if (!applied.ok) {
    await clone.checkout(at.base);
    throw new PatchError(repo, applied.patch, at.merged, applied.message);
  }
  return (await clone.resolve("HEAD")) as string;
}

type Summary = Pick<AssembleResult, "base" | "merged" | "conflicts" | "patches">;

/**
 * Tags `head` with the next dated tag and, with `push`, force-pushes the branch and the tag and
 * deletes the tags over the limit. A failed push removes the new tag from the clone.
 */
async function tagAndPush(
  clone: WorkingClone,
  req: AssembleRequest,
  summary: Summary,
  head: string,
): Promise<Pick<AssembleResult, "tag" | "pushed" | "prunedTags">> {
  const existing = (await clone.tags(`${req.tagPrefix}*`)).filter((t) =>
    datedTagPattern(req.tagPrefix).test(t),
  );
  const tag = nextDatedTag(req.tagPrefix, req.now, existing);
  await clone.tag(
    tag,
    `${req.repo} ${req.branch}: main ${summary.base}\n\n` +
      `merged: ${summary.merged.map((m) => `#${m.number} ${m.head}`).join(", ") || "none"}\n` +
      `conflicts: ${prList(summary.conflicts)}\npatches: ${summary.patches.length}`,
    head,
  );
  const prunedTags = datedTagsToPrune(req.tagPrefix, [...existing, tag], req.tagLimit);
  if (!req.push) return { tag, pushed: false, prunedTags: [] };
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
  return { tag, pushed: true, prunedTags };
}

/** Builds the staging branch of one repository (under a lock on its working clone). */
export async function assembleStagingBranch(req: AssembleRequest): Promise<AssembleResult> {
  const problems = requestProblems(req);
  if (problems.length > 0) throw new InvalidRequestError(req.repo, problems);
  const dir = pathInside(req.workDir, req.repo);
  return withLock(dir, async () => {
    const identity = req.identity ?? DEFAULT_IDENTITY;
    const clone = await WorkingClone.open(dir, req.remote, {
      auth: req.auth,
      identity,
      timeoutMs: req.gitTimeoutMs,
    });
    const base = await fetchBase(clone, req);
    const remoteRef = `refs/remotes/origin/${req.branch}`;
    const remoteHead = await clone.resolve(remoteRef);
    const unchanged = async (summary: Summary, head: string): Promise<AssembleResult> => {
      const headTag = await datedTagAt(clone, req.tagPrefix, head);
      return {
        repo: req.repo,
        ...summary,
        head,
        tag: null,
        headTag,
        changed: false,
        pushed: false,
        prunedTags: [],
      };
    };
    // The same inputs as the run that made the remote branch: nothing to merge or push.
    const fingerprint = fingerprintOf(req, base);
    const record = recordFile(dir, req.branch);
    const last = readRecord(record);
    if (last && last.fingerprint === fingerprint && remoteHead === last.result.head) {
      return unchanged(last.result, remoteHead);
    }
    const remember = (summary: Summary, head: string) =>
      fs.writeFileSync(
        record,
        JSON.stringify({ fingerprint, result: { ...summary, head } } satisfies RunRecord),
      );

    const { tip, merged, conflicts } = await mergePullRequests(clone, base, req.eligible);
    const patches = listPatches(req.patches);
    const head =
      patches.length > 0 ? await applyLocalPatches(clone, req.repo, patches, { base, tip, merged }) : tip;
    const relative = patches.map((p) => path.relative(req.patches as string, p));
    const summary: Summary = { base, merged, conflicts, patches: relative };
    const changed = remoteHead === null || (await clone.treeOf(head)) !== (await clone.treeOf(remoteRef));
    if (!changed) {
      remember(summary, remoteHead);
      return unchanged(summary, remoteHead);
    }
    const made = await tagAndPush(clone, req, summary, head);
    if (made.pushed) remember(summary, head);
    return { repo: req.repo, ...summary, head, headTag: made.tag, changed, ...made };
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
  conflicts: Conflict[];
  patchesApplied: string[];
  head: string;
  /** The dated tag at `head` (made by this run or an earlier one), or null. */
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
    tag: result.headTag,
    pushed: result.pushed,
  };
}

/**
 * The resource as the remote has it (`pulumi refresh`, and after an interrupted `up`): the
 * branch's head and the newest dated tag at it; both null when the remote has no such branch.
 */
export async function readStagingBranch(
  state: Partial<StagingBranchOutputs>,
  auth?: GitAuth,
): Promise<{ head: string | null; tag: string | null }> {
  const { remote, branch, tagPrefix } = state;
  if (!remote || !branch || tagPrefix === undefined)
    throw new Error("StagingBranch state without remote, branch or tagPrefix: cannot read it");
  const branchRef = `refs/heads/${branch}`;
  const refs = await lsRemote(remote, [branchRef, `refs/tags/${tagPrefix}*`], auth);
  const head = refs.get(branchRef);
  if (head === undefined) return { head: null, tag: null };
  return { head, tag: remoteDatedTagAt(tagPrefix, refs, head) };
}
