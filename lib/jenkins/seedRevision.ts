import { branchHead } from "../git/branchHead";
import { lsRemote } from "../git/repo";

/**
 * The kernelci-jenkins revision the seed job generates the jobs from: the pinned one, or the
 * head of the jobs branch now (asked while the program runs, so preview shows a new revision).
 */
export async function seedRevision(
  jobs: { repo: string; branch: string; pinned?: string },
  ls: typeof lsRemote = lsRemote,
): Promise<string> {
  if (jobs.pinned !== undefined) return jobs.pinned;
  const sha = await branchHead(jobs.repo, jobs.branch, ls);
  if (!sha) throw new Error(`${jobs.repo} has no branch ${jobs.branch} (legacy.jenkinsJobsBranch)`);
  return sha;
}
