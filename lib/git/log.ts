import { simpleGit } from "simple-git";

/** One commit as the change summary needs it. */
export interface LogCommit {
  sha: string;
  parents: string[];
  author: string;
  /** The first line of the message. */
  subject: string;
  /** The rest of the message (a merge commit of a PR carries the PR's title here). */
  body: string;
}

const FIELD = "\x1f";
const RECORD = "\x1e";

/**
 * The commits reachable from `to` and not from `from`, newest first, read from the repository
 * at `repoDir` (no network: fetch first).
 */
export async function commitLog(repoDir: string, from: string, to: string): Promise<LogCommit[]> {
  const out = await simpleGit(repoDir).raw([
    "log",
    "--topo-order",
    `--format=%H${FIELD}%P${FIELD}%an${FIELD}%s${FIELD}%b${RECORD}`,
    to,
    `^${from}`,
    "--",
  ]);
  return out
    .split(RECORD)
    .map((record) => record.replace(/^\n/, ""))
    .filter(Boolean)
    .map((record) => {
      const [sha, parents, author, subject, body] = record.split(FIELD);
      return { sha, parents: parents.split(" ").filter(Boolean), author, subject, body: body.trim() };
    });
}

/** Whether `ancestor` is reachable from `descendant` (both must be present in the repository). */
export async function isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await simpleGit(repoDir).raw(["merge-base", "--is-ancestor", ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}
