/**
 * A component's production branch (seed 002: "push the tagged revision from main to the
 * kernelci.org branch ... force-pushed" when history is not linear). Two steps:
 * - `planProductionBranch` (program time, read only): fetches main, the release tag and the
 *   deployed branch into a kept working clone, decides which commit the release is, and reads
 *   the commits it adds over what is deployed (the change summary).
 * - `applyProductionBranch` (the resource's create/update): creates the tag when asked, then
 *   force-pushes the branch to exactly that commit, in one atomic push. Nothing is pushed when
 *   the remote already has both.
 */
import * as path from "node:path";
import { KciError } from "../errors";
import { commitLog, isAncestor, type LogCommit } from "../git/log";
import { type GitAuth, type GitIdentity, lsRemote, WorkingClone } from "../git/repo";

export interface ProductionBranchSettings {
  component: string;
  remote: string;
  /** The development branch the release comes from (main). */
  main: string;
  /** The production branch (kernelci.org). */
  branch: string;
  tag: string;
  /** With createTags: the commit of main to tag. Otherwise, if given, the tag must point to it. */
  commit: string | null;
  createTags: boolean;
  workDir: string;
  identity: GitIdentity;
}

export interface ProductionBranchPlan extends ProductionBranchSettings {
  /** The release commit: where the tag points (or will point). */
  target: string;
  /** Whether the tag must be created. */
  createTag: boolean;
  /** The branch's commit on the remote now (null: no branch yet). */
  deployed: string | null;
  /** Commits of the release that the deployed branch does not have, newest first. */
  commits: LogCommit[];
}

export interface ProductionBranchOutputs {
  component: string;
  remote: string;
  branch: string;
  tag: string;
  commit: string;
  /** The branch before this run (null: it did not exist). */
  previous: string | null;
  tagCreated: boolean;
  pushed: boolean;
  /** The branch on the remote: `commit` after a run; a refresh finds a hotfix pushed by hand (null: gone). */
  head: string | null;
  /** The commit the tag names on the remote: `commit` after a run (null: no such tag). */
  tagCommit: string | null;
}

/** A release that cannot be made as configured: nothing was pushed. */
export class ReleaseError extends KciError {
  constructor(message: string) {
    super("input", `${message} (nothing was pushed)`);
    this.name = "ReleaseError";
  }
}

const tagRef = (tag: string) => `refs/tags/${tag}`;
const headRef = (branch: string) => `refs/heads/${branch}`;

/** The remote's refs of interest: the tag's commit (annotated tags peeled), main, the branch. */
async function remoteRefs(
  s: Pick<ProductionBranchSettings, "remote" | "tag" | "main" | "branch">,
  auth?: GitAuth,
) {
  const refs = await lsRemote(
    s.remote,
    [tagRef(s.tag), `${tagRef(s.tag)}^{}`, headRef(s.main), headRef(s.branch)],
    auth,
  );
  return {
    tag: refs.get(`${tagRef(s.tag)}^{}`) ?? refs.get(tagRef(s.tag)) ?? null,
    main: refs.get(headRef(s.main)) ?? null,
    branch: refs.get(headRef(s.branch)) ?? null,
  };
}

export function cloneDir(s: Pick<ProductionBranchSettings, "workDir" | "component">): string {
  return path.join(s.workDir, s.component);
}

/** Reads what the release is and what it changes; pushes nothing. */
export async function planProductionBranch(
  s: ProductionBranchSettings,
  auth?: GitAuth,
): Promise<ProductionBranchPlan> {
  const where = `${s.component} (${s.remote})`;
  const refs = await remoteRefs(s, auth);
  if (refs.main === null) throw new ReleaseError(`${where} has no branch ${s.main}`);
  if (refs.tag === null && !s.createTags)
    throw new ReleaseError(
      `${where} has no tag ${s.tag}: create it, or set release.createTags with the commit of ${s.main} to tag`,
    );
  if (refs.tag === null && s.commit === null)
    throw new ReleaseError(`${where}: createTags needs the commit of ${s.main} to tag ${s.tag}`);
  const clone = await WorkingClone.open(cloneDir(s), s.remote, { auth, identity: s.identity });
  await clone.fetch([
    `+${headRef(s.main)}:refs/remotes/origin/${s.main}`,
    ...(refs.tag ? [`+${tagRef(s.tag)}:${tagRef(s.tag)}`] : []),
    ...(refs.branch ? [`+${headRef(s.branch)}:refs/remotes/origin/${s.branch}`] : []),
  ]);
  let target: string;
  if (refs.tag !== null) {
    target = refs.tag;
    const configured = s.commit === null ? null : await clone.resolve(s.commit);
    if (s.commit !== null && configured !== target)
      throw new ReleaseError(
        `${where}: tag ${s.tag} points to ${target}, not to the configured commit ${s.commit}`,
      );
  } else {
    const commit = await clone.resolve(s.commit as string);
    if (commit === null || !(await isAncestor(clone.dir, commit, `refs/remotes/origin/${s.main}`)))
      throw new ReleaseError(
        `${where}: ${s.commit} is not a commit of ${s.main}, refusing to tag it ${s.tag}`,
      );
    target = commit;
  }
  // A first release has no deployed branch to compare with: its whole history is not listed.
  const commits = refs.branch === null ? [] : await commitLog(clone.dir, refs.branch, target);
  return { ...s, target, createTag: refs.tag === null, deployed: refs.branch, commits };
}

/**
 * Creates the tag (when the plan says so) and moves the branch to exactly the release commit,
 * forcing over whatever history it had, in one atomic push. Checks the remote again first: a
 * tag that appeared elsewhere at another commit stops it, and a branch already there is left
 * alone.
 */
export async function applyProductionBranch(
  plan: Pick<ProductionBranchPlan, keyof ProductionBranchSettings | "target">,
  auth?: GitAuth,
): Promise<ProductionBranchOutputs> {
  const where = `${plan.component} (${plan.remote})`;
  const refs = await remoteRefs(plan, auth);
  if (refs.tag !== null && refs.tag !== plan.target)
    throw new ReleaseError(`${where}: tag ${plan.tag} points to ${refs.tag}, not to ${plan.target}`);
  if (refs.tag === null && !plan.createTags)
    throw new ReleaseError(`${where} has no tag ${plan.tag} and release.createTags is off`);
  const refspecs: string[] = [];
  const clone = await WorkingClone.open(cloneDir(plan), plan.remote, { auth, identity: plan.identity });
  if (refs.tag === null) {
    if (!(await clone.hasCommit(plan.target)))
      await clone.fetch([`+${headRef(plan.main)}:refs/remotes/origin/${plan.main}`]);
    await clone.tag(plan.tag, `${plan.component} release ${plan.tag}`, plan.target);
    refspecs.push(`${tagRef(plan.tag)}:${tagRef(plan.tag)}`);
  }
  if (refs.branch !== plan.target) {
    if (!(await clone.hasCommit(plan.target)))
      await clone.fetch([`+${tagRef(plan.tag)}:${tagRef(plan.tag)}`]);
    refspecs.push(`+${plan.target}:${headRef(plan.branch)}`);
  }
  if (refspecs.length > 0) await clone.push(refspecs);
  return {
    component: plan.component,
    remote: plan.remote,
    branch: plan.branch,
    tag: plan.tag,
    commit: plan.target,
    previous: refs.branch,
    tagCreated: refs.tag === null,
    pushed: refspecs.length > 0,
    head: plan.target,
    tagCommit: plan.target,
  };
}

/**
 * The release as the remote has it now (`pulumi refresh`): the branch's head, which a hotfix
 * pushed by hand moves away from the release commit, and the commit the tag names; each null
 * when the remote no longer has it.
 */
export async function readProductionBranch(
  state: Partial<Pick<ProductionBranchSettings, "remote" | "tag" | "main" | "branch">>,
  auth?: GitAuth,
): Promise<Pick<ProductionBranchOutputs, "head" | "tagCommit">> {
  const { remote, tag, main, branch } = state;
  if (!remote || !tag || !main || !branch)
    throw new Error("ProductionBranch state without remote, main, branch or tag: cannot read it");
  const refs = await remoteRefs({ remote, tag, main, branch }, auth);
  return { head: refs.branch, tagCommit: refs.tag };
}
