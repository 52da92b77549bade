import { retry } from "@octokit/plugin-retry";
import { type ThrottlingOptions, throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { createOctokit } from "./octokit";

/** A comment on a PR (an issue comment, in GitHub's terms). */
export interface PrComment {
  id: number;
  body: string;
  user: string;
}

/** The commit status the bot sets on a PR head. */
export interface CommitStatus {
  state: "pending" | "success" | "failure" | "error";
  description: string;
  targetUrl: string;
  context: string;
}

/**
 * What the bot does on a PR besides reading it: the files it changes, its comments, its
 * labels and the commit status of its head. `repo` is the repository's name in the owner.
 */
export interface PullRequestClient {
  /** Who opened the PR, the owner of its head repository, and its head commit. */
  pull(repo: string, pr: number): Promise<{ author: string; headOwner: string | null; head: string }>;
  /** Every changed file's path, all pages; `truncated` when the forge stops listing (GitHub: 3,000). */
  changedFiles(repo: string, pr: number): Promise<{ files: string[]; truncated: boolean }>;
  comments(repo: string, pr: number): Promise<PrComment[]>;
  createComment(repo: string, pr: number, body: string): Promise<number>;
  updateComment(repo: string, id: number, body: string): Promise<void>;
  addLabel(repo: string, pr: number, label: string): Promise<void>;
  /** Removing a label the PR does not carry is not an error. */
  removeLabel(repo: string, pr: number, label: string): Promise<void>;
  setStatus(repo: string, sha: string, status: CommitStatus): Promise<void>;
}

export interface GithubPullRequestOptions {
  owner: string;
  token?: string;
  apiUrl?: string;
  /** Each request's deadline. */
  timeoutMs?: number;
  /** Retries of 5xx answers and rate limits, with Octokit's backoff. */
  retries?: number;
  /** The first retry's wait; later ones grow quadratically (Octokit's retry plugin) [1 s]. */
  backoffMs?: number;
  /**
   * GitHub's pacing of writes (1 s apart, comments 3 s apart, Octokit's throttling plugin) to
   * stay under its secondary rate limits [true]. Off only for a GitHub double.
   */
  paceWrites?: boolean;
}

type Group = NonNullable<Extract<ThrottlingOptions, { enabled?: true }>["write"]>;
/** A Bottleneck group that lets every request through at once: the plugin only calls key().schedule(). */
const unpaced = {
  key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }),
} as unknown as Group;

/** GitHub lists at most this many files of a PR. */
export const GITHUB_FILES_LIMIT = 3000;

const RetryingOctokit = Octokit.plugin(retry, throttling);

/** Octokit retried on 5xx and throttled on rate limits, each request under a deadline, silent. */
function retryingOctokit(options: GithubPullRequestOptions) {
  const retries = options.retries ?? 3;
  const quiet = () => undefined;
  return createOctokit(
    {
      token: options.token,
      baseUrl: options.apiUrl ?? "https://api.github.com",
      timeoutMs: options.timeoutMs,
    },
    RetryingOctokit,
    {
      userAgent: "kernelci-deploy kcibot",
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      retry: { retries, retryAfterBaseValue: options.backoffMs ?? 1000 },
      throttle: {
        onRateLimit: (_after: number, _opts: object, _kit: unknown, count: number) => count < retries,
        onSecondaryRateLimit: (_after: number, _opts: object, _kit: unknown, count: number) =>
          count < retries,
        ...(options.paceWrites === false ? { write: unpaced, notifications: unpaced } : {}),
      },
    },
  );
}

/** A PullRequestClient on GitHub's REST API: retried on 5xx, throttled on rate limits. */
export function githubPullRequests(options: GithubPullRequestOptions): PullRequestClient {
  const { owner } = options;
  const octokit = retryingOctokit(options);
  return {
    async pull(repo, pr) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr });
      return { author: data.user.login, headOwner: data.head.repo?.owner.login ?? null, head: data.head.sha };
    },
    async changedFiles(repo, pr) {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner,
        repo,
        pull_number: pr,
        per_page: 100,
      });
      return { files: files.map((f) => f.filename), truncated: files.length >= GITHUB_FILES_LIMIT };
    },
    async comments(repo, pr) {
      const all = await octokit.paginate(octokit.rest.issues.listComments, {
        owner,
        repo,
        issue_number: pr,
        per_page: 100,
      });
      return all.map((c) => ({ id: c.id, body: c.body ?? "", user: c.user?.login ?? "" }));
    },
    async createComment(repo, pr, body) {
      return (await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body })).data.id;
    },
    async updateComment(repo, id, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
    },
    async addLabel(repo, pr, label) {
      await octokit.rest.issues.addLabels({ owner, repo, issue_number: pr, labels: [label] });
    },
    async removeLabel(repo, pr, label) {
      try {
        await octokit.rest.issues.removeLabel({ owner, repo, issue_number: pr, name: label });
      } catch (err) {
        if ((err as { status?: number }).status !== 404) throw err;
      }
    },
    async setStatus(repo, sha, status) {
      await octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha,
        state: status.state,
        description: status.description,
        target_url: status.targetUrl,
        context: status.context,
      });
    },
  };
}
