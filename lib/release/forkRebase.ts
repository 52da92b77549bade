/**
 * A KernelCI fork kept rebased on its upstream (kernelci/test-definitions on
 * Linaro/test-definitions), as kernelci-deploy's update.py does (commit
 * fc667ee86774b4af7da33b103840ae27a3c8a5cc: `git pull --rebase upstream master`, then a date tag
 * `kernelci-YYYYMMDD.N` and a push of kernelci.org) without its defect: update.py force-pushes
 * every time; here nothing is pushed when the rebased branch is what the fork already has, and
 * a conflict pushes nothing and names the commit and files.
 */
import * as path from "node:path";
import { KciError } from "../errors";
import { fetchFrom, rebaseOnto } from "../git/rebase";
import { type GitAuth, type GitIdentity, lsRemote, WorkingClone } from "../git/repo";
import { nextDatedTag, remoteDatedTagAt } from "../git/tags";

export interface ForkRebaseSettings {
  name: string;
  /** The fork, pushed to. */
  fork: string;
  /** The fork's branch that carries KernelCI's commits (kernelci.org). */
  branch: string;
  upstream: string;
  upstreamBranch: string;
  tagPrefix: string;
  workDir: string;
  identity: GitIdentity;
}

export interface ForkRebaseOutputs {
  name: string;
  fork: string;
  branch: string;
  upstream: string;
  upstreamBranch: string;
  upstreamHead: string;
  /** The fork branch after this run. */
  head: string;
  /** The fork branch before it. */
  previous: string;
  /** The date tag pushed with a new head (null: nothing pushed); a refresh reads the one at `head`. */
  tag: string | null;
  pushed: boolean;
}

/** The rebase stopped on a conflict: nothing was pushed. */
export class ForkRebaseConflict extends KciError {
  constructor(
    readonly fork: string,
    readonly commit: string,
    readonly files: string[],
    subject: string,
    upstream: string,
  ) {
    super(
      "conflict",
      `Rebasing ${fork} on ${upstream} conflicts at commit ${commit} ("${subject}") in ${files.join(", ")}; ` +
        "nothing was pushed. Resolve it in the fork (or drop the commit) and run again.",
    );
    this.name = "ForkRebaseConflict";
  }
}

/** The heads the rebase starts from, asked of both remotes without a clone (for preview). */
export async function forkHeads(
  s: Pick<ForkRebaseSettings, "fork" | "branch" | "upstream" | "upstreamBranch">,
  auth?: GitAuth,
): Promise<{ forkHead: string; upstreamHead: string }> {
  const [fork, upstream] = await Promise.all([
    lsRemote(s.fork, [`refs/heads/${s.branch}`], auth),
    lsRemote(s.upstream, [`refs/heads/${s.upstreamBranch}`]),
  ]);
  const forkHead = fork.get(`refs/heads/${s.branch}`);
  const upstreamHead = upstream.get(`refs/heads/${s.upstreamBranch}`);
  if (!forkHead) throw new Error(`the fork ${s.fork} has no branch ${s.branch}`);
  if (!upstreamHead) throw new Error(`the upstream ${s.upstream} has no branch ${s.upstreamBranch}`);
  return { forkHead, upstreamHead };
}

/**
 * The fork branch as the remote has it now (`pulumi refresh`): its head, moved by any push made
 * by hand, and the newest date tag at it; both null when the fork no longer has the branch.
 */
export async function readForkRebase(
  state: Partial<Pick<ForkRebaseSettings, "fork" | "branch" | "tagPrefix">>,
  auth?: GitAuth,
): Promise<{ head: string | null; tag: string | null }> {
  const { fork, branch, tagPrefix } = state;
  if (!fork || !branch || tagPrefix === undefined)
    throw new Error("ForkRebase state without fork, branch or tagPrefix: cannot read it");
  const branchRef = `refs/heads/${branch}`;
  const refs = await lsRemote(fork, [branchRef, `refs/tags/${tagPrefix}*`], auth);
  const head = refs.get(branchRef) ?? null;
  return { head, tag: head === null ? null : remoteDatedTagAt(tagPrefix, refs, head) };
}

export async function rebaseFork(
  s: ForkRebaseSettings,
  now: Date,
  auth?: GitAuth,
): Promise<ForkRebaseOutputs> {
  const clone = await WorkingClone.open(path.join(s.workDir, s.name), s.fork, { auth, identity: s.identity });
  const forkRef = `refs/remotes/origin/${s.branch}`;
  const upstreamRef = `refs/remotes/upstream/${s.upstreamBranch}`;
  await clone.fetch([`+refs/heads/${s.branch}:${forkRef}`]);
  await fetchFrom(clone.dir, s.upstream, [`+refs/heads/${s.upstreamBranch}:${upstreamRef}`]);
  const previous = (await clone.resolve(forkRef)) as string;
  const upstreamHead = (await clone.resolve(upstreamRef)) as string;
  const outcome = await rebaseOnto(clone.dir, upstreamRef, previous);
  if (!outcome.ok)
    throw new ForkRebaseConflict(s.fork, outcome.commit, outcome.files, outcome.subject, s.upstream);
  const base = {
    name: s.name,
    fork: s.fork,
    branch: s.branch,
    upstream: s.upstream,
    upstreamBranch: s.upstreamBranch,
  };
  if (outcome.head === previous)
    return { ...base, upstreamHead, head: previous, previous, tag: null, pushed: false };
  const existing = [...(await lsRemote(s.fork, [`refs/tags/${s.tagPrefix}*`], auth)).keys()]
    .filter((ref) => !ref.endsWith("^{}"))
    .map((ref) => ref.slice("refs/tags/".length));
  const tag = nextDatedTag(s.tagPrefix, now, existing);
  await clone.tag(tag, `${s.name} rebased on ${s.upstream} ${s.upstreamBranch}`, outcome.head);
  await clone.push([`+${outcome.head}:refs/heads/${s.branch}`, `refs/tags/${tag}:refs/tags/${tag}`]);
  return { ...base, upstreamHead, head: outcome.head, previous, tag, pushed: true };
}
