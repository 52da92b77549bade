/** An open pull request as a forge reports it, normalised for the staging decisions. */
export interface PullRequest {
  number: number;
  title: string;
  /** Login of the PR's author. */
  author: string;
  /** Owner of the head repository; null when that repository was deleted. */
  headOwner: string | null;
  /** Branch name in the head repository, when the forge knows it (skip list `owner/branch`). */
  headRef?: string;
  /** Commit at `refs/pull/<N>/head`; null when the head is missing. */
  headSha: string | null;
  /** Base branch the PR targets. */
  base: string;
  labels: string[];
  draft: boolean;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
}

/**
 * Where a repository's PRs come from. Two implementations: GitHub (Octokit) and `local` (a
 * git remote with `refs/pull/<N>/head` plus a JSON file of PRs).
 */
export interface Forge {
  /** What to name in error messages (an API URL, a directory). */
  readonly location: string;
  /** The git URL or path to fetch from and push to. */
  remote(repo: string): string;
  /** Every open PR of `repo` (all pages). */
  openPulls(repo: string): Promise<PullRequest[]>;
  /** A token for git over HTTPS, when the forge needs one to push. */
  readonly gitToken?: string;
  /**
   * The logins of a team of the owning organisation (all pages), or null when the forge has
   * no such team. Forges without teams leave it out: roles then come from configured lists.
   */
  teamMembers?(team: string): Promise<string[] | null>;
}
