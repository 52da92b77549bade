import * as fs from "node:fs";
import * as path from "node:path";
import { listPatches } from "../git/patches";
import { type GitAuth, type GitIdentity, lsRemote, WorkingClone } from "../git/repo";
import { datedTagsToPrune, nextDatedTag } from "../git/tags";

export interface KernelTree {
  name: string;
  /** Upstream repository of the tree (linux-next, mainline, stable...). */
  url: string;
  branch: string;
}

/**
 * Pure: the tree of this cycle. Staging rotates through its trees, one per full cycle
 * (next -> mainline -> stable -> next, legacy staging script); the first cycle takes the first.
 */
export function nextTree(trees: readonly KernelTree[], previous: string | null): KernelTree {
  const i = previous === null ? -1 : trees.findIndex((t) => t.name === previous);
  return trees[(i + 1) % trees.length];
}

export interface TestRevisionRun {
  tree: KernelTree;
  /** The kernel repository pushed to (kernelci/linux). */
  remote: string;
  /** Destination branch: `staging-<tree>` on staging, `kernelci.org` for production. */
  branch: string;
  /** Root of `patches/linux/`: the patches of `<root>/<branch>/` are applied with `git am`. */
  patchesRoot: string | null;
  tagLimit: number;
  /** The kept clone. */
  workDir: string;
  identity: GitIdentity;
  auth?: GitAuth;
  now: Date;
}

export interface TestRevision {
  tree: string;
  branch: string;
  commit: string;
  tag: string;
  upstreamCommit: string;
  pruned: string[];
}

/**
 * Pushes a kernel test revision (legacy kernel.py): the upstream branch of the tree, plus the
 * local patches, plus a commit recording the new tag (so a revision exists even when upstream
 * has not moved), tagged `<branch>-<YYYYMMDD>.<N>` and force-pushed with the tag in one atomic
 * push that also prunes the tags beyond `tagLimit`.
 */
export async function pushTestRevision(run: TestRevisionRun): Promise<TestRevision> {
  const upstreamRef = "refs/kci/upstream";
  // The kept clone fetches from two repositories, each by its URL.
  const upstream = await WorkingClone.open(run.workDir, run.tree.url, { identity: run.identity });
  await upstream.fetch([`+refs/heads/${run.tree.branch}:${upstreamRef}`]);
  const upstreamCommit = await upstream.resolve(upstreamRef);
  if (upstreamCommit === null) {
    throw new Error(
      `Kernel test revision: ${run.tree.url} has no branch ${run.tree.branch}; nothing was pushed.`,
    );
  }
  const clone = await WorkingClone.open(run.workDir, run.remote, { identity: run.identity, auth: run.auth });
  await clone.checkout(upstreamCommit);

  const patchesDir = run.patchesRoot === null ? null : path.join(run.patchesRoot, run.branch);
  const patches = listPatches(patchesDir ?? undefined);
  const applied = await clone.applyPatches(patches);
  if (!applied.ok) {
    throw new Error(
      `Kernel test revision: patch ${applied.patch} does not apply on ${run.tree.name} ${run.tree.branch} ` +
        `(${upstreamCommit}): ${applied.message}\nNothing was pushed to ${run.remote}; ` +
        `refresh the patches in ${patchesDir} and run again.`,
    );
  }

  const tagPrefix = `${run.branch}-`;
  const remoteTags = [...(await lsRemote(run.remote, [`refs/tags/${tagPrefix}*`], run.auth)).keys()]
    .filter((ref) => !ref.endsWith("^{}"))
    .map((ref) => ref.replace(/^refs\/tags\//, ""));
  const tag = nextDatedTag(tagPrefix, run.now, remoteTags);
  // The commit that makes this revision new even if upstream did not move: a file named after
  // the branch holding the tag name.
  fs.writeFileSync(path.join(clone.dir, run.branch), `${tag}\n`);
  await clone.commitPaths([run.branch], `${run.branch}: ${tag}`, run.now);
  await clone.tag(tag, `KernelCI test revision of ${run.tree.name} (${run.tree.branch} ${upstreamCommit})`);
  const commit = (await clone.resolve("HEAD")) as string;

  const pruned = datedTagsToPrune(tagPrefix, [...remoteTags, tag], run.tagLimit);
  await clone.push([
    `+HEAD:refs/heads/${run.branch}`,
    `refs/tags/${tag}:refs/tags/${tag}`,
    ...pruned.map((t) => `:refs/tags/${t}`),
  ]);
  const localTags = await clone.tags(`${tagPrefix}*`);
  await clone.deleteLocalTags(localTags.filter((t) => t !== tag));
  return { tree: run.tree.name, branch: run.branch, commit, tag, upstreamCommit, pruned };
}
