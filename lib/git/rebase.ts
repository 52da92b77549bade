import * as fs from "node:fs";
import * as path from "node:path";
import { simpleGit } from "simple-git";

export type RebaseOutcome =
  | { ok: true; head: string }
  | { ok: false; commit: string; subject: string; files: string[] };

/** Fetches `refspecs` from a URL other than the clone's origin (an upstream of a fork). */
export async function fetchFrom(repoDir: string, url: string, refspecs: readonly string[]): Promise<void> {
  try {
    await simpleGit(repoDir).raw(["fetch", "--no-tags", "--", url, ...refspecs]);
  } catch (err) {
    throw new Error(
      `git fetch ${url} ${refspecs.join(" ")} failed in ${repoDir}: ${(err as Error).message.trim()}`,
    );
  }
}

/**
 * Rebases `branchCommit` onto `onto` with HEAD detached (no branch moves). On a conflict the
 * rebase is aborted and the commit it stopped at and the conflicting paths are returned.
 */
export async function rebaseOnto(
  repoDir: string,
  onto: string,
  branchCommit: string,
): Promise<RebaseOutcome> {
  const git = simpleGit(repoDir);
  for (const state of ["rebase-merge", "rebase-apply"]) {
    if (fs.existsSync(path.join(repoDir, ".git", state)))
      await git.raw(["rebase", "--abort"]).catch(() => undefined);
  }
  await git.raw(["checkout", "--quiet", "--force", "--detach", branchCommit]);
  await git.raw(["clean", "--quiet", "-ffdx"]);
  try {
    await git.raw(["rebase", "--quiet", "--no-autosquash", "--no-update-refs", onto]);
  } catch (err) {
    const stopped = (
      await git.raw(["rev-parse", "--verify", "--quiet", "REBASE_HEAD"]).catch(() => "")
    ).trim();
    if (!stopped)
      throw new Error(`git rebase ${onto} failed in ${repoDir}: ${(err as Error).message.trim()}`);
    const files = (await git.raw(["diff", "--name-only", "--diff-filter=U"]))
      .split("\n")
      .filter(Boolean)
      .sort();
    const subject = (await git.raw(["log", "-1", "--format=%s", stopped])).trim();
    await git.raw(["rebase", "--abort"]);
    return { ok: false, commit: stopped, subject, files };
  }
  return { ok: true, head: (await git.revparse(["HEAD"])).trim() };
}
