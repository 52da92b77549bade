import type { Octokit } from "@octokit/rest";
import { KciError } from "../errors";
import { isCommitId } from "../git/names";
import { createOctokit, DEFAULT_HTTP_TIMEOUT_MS, describeRequestFailure } from "./octokit";
import type { Forge, PullRequest } from "./types";

/** At most this many pages of 100 open PRs: a server that never stops paginating cannot hang a run. */
export const MAX_PULL_PAGES = 50;

export interface GithubForgeOptions {
  owner: string;
  /** From Pulumi secret config (`kernelci:secrets.githubToken`) or the CLI's environment. */
  token?: string;
  /** REST API root; defaults to https://api.github.com (tests point it at 127.0.0.1). */
  apiUrl?: string;
  /** Where repositories are cloned from; defaults to https://github.com. */
  gitUrl?: string;
  /** The longest wait for a rate limit to reset before failing (ms). */
  maxRateLimitWaitMs?: number;
  /** The longest wait for one API answer (ms). */
  requestTimeoutMs?: number;
}

/** A GitHub rate limit that does not reset soon enough to wait for it. */
export class RateLimitError extends KciError {
  constructor(url: string, resetAt: Date, authenticated: boolean) {
    super(
      "remote",
      `GitHub rate limit exhausted for ${url} until ${resetAt.toISOString()}; nothing was changed. ` +
        (authenticated
          ? "Retry after that time."
          : "Set kernelci:secrets.githubToken (or GITHUB_TOKEN for the CLI): authenticated clients get 5000 requests per hour."),
    );
    this.name = "RateLimitError";
  }
}

/**
 * How long to wait before retrying a failed request, when GitHub says a rate limit caused it
 * (primary: x-ratelimit-remaining 0 and x-ratelimit-reset; secondary: retry-after); null when
 * the failure has another cause.
 */
export function rateLimitWait(
  status: number,
  headers: Record<string, string | number | undefined>,
  nowMs: number,
): number | null {
  if (status !== 403 && status !== 429) return null;
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) return Math.max(0, Number(retryAfter) * 1000);
  if (String(headers["x-ratelimit-remaining"]) === "0" && headers["x-ratelimit-reset"] !== undefined) {
    return Math.max(0, Number(headers["x-ratelimit-reset"]) * 1000 - nowMs);
  }
  return null;
}

/** The open PRs could not be listed; the message names the URL and why. */
export class PullListError extends KciError {
  constructor(message: string) {
    super("remote", message);
    this.name = "PullListError";
  }
}

interface HttpFailure {
  status: number;
  response?: { headers: Record<string, string | number | undefined> };
}

function isHttpFailure(err: unknown): err is HttpFailure {
  return typeof err === "object" && err !== null && typeof (err as HttpFailure).status === "number";
}

/** GitHub through Octokit: every list paginated, rate limits waited for or reported. */
export class GithubForge implements Forge {
  readonly location: string;
  readonly gitToken?: string;
  private readonly octokit: Octokit;

  constructor(private readonly options: GithubForgeOptions) {
    const apiUrl = (options.apiUrl ?? "https://api.github.com").replace(/\/$/, "");
    this.location = apiUrl;
    this.gitToken = options.token;
    this.octokit = createOctokit({
      token: options.token,
      baseUrl: apiUrl,
      timeoutMs: options.requestTimeoutMs,
    });
    const maxWait = options.maxRateLimitWaitMs ?? 60_000;
    this.octokit.hook.wrap("request", async (request, endpoint) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await request(endpoint);
        } catch (err) {
          if (!isHttpFailure(err)) throw err;
          const headers = err.response?.headers ?? {};
          const wait = rateLimitWait(err.status, headers, Date.now());
          if (wait === null) throw err;
          if (wait > maxWait || attempt >= 3) {
            throw new RateLimitError(endpoint.url, new Date(Date.now() + wait), options.token !== undefined);
          }
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    });
  }

  remote(repo: string): string {
    return `${(this.options.gitUrl ?? "https://github.com").replace(/\/$/, "")}/${this.options.owner}/${repo}.git`;
  }

  async openPulls(repo: string): Promise<PullRequest[]> {
    const { owner } = this.options;
    type Pulls = Awaited<ReturnType<Octokit["rest"]["pulls"]["list"]>>["data"];
    const pulls: Pulls = [];
    const fail = (why: string) =>
      new PullListError(
        `Listing the open PRs of ${owner}/${repo} at ${this.location} failed: ${why}. ` +
          "Nothing was changed; check the token, the URL and the network.",
      );
    try {
      let pages = 0;
      const options = { owner, repo, state: "open" as const, per_page: 100 };
      for await (const page of this.octokit.paginate.iterator(this.octokit.rest.pulls.list, options)) {
        if (!Array.isArray(page.data)) throw fail(`${page.url} did not answer a list of PRs`);
        pulls.push(...page.data);
        if (++pages >= MAX_PULL_PAGES && page.data.length > 0)
          throw fail(`more than ${MAX_PULL_PAGES} pages of PRs (last ${page.url})`);
      }
    } catch (err) {
      if (err instanceof RateLimitError || err instanceof PullListError) throw err;
      throw fail(
        describeRequestFailure(
          err,
          `${this.location}/repos/${owner}/${repo}/pulls`,
          this.options.requestTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
        ),
      );
    }
    return pulls.map((p) => ({
      number: p.number,
      title: p.title,
      author: p.user?.login ?? "",
      headOwner: p.head.repo ? p.head.repo.owner.login : null,
      headRef: p.head.ref,
      // The SHA goes into git's arguments: anything but a commit id counts as a missing head.
      headSha: p.head.repo && isCommitId(p.head.sha) ? p.head.sha : null,
      base: p.base.ref,
      labels: p.labels.map((l) => l.name ?? "").filter(Boolean),
      draft: p.draft ?? false,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
    }));
  }

  async teamMembers(team: string): Promise<string[] | null> {
    const org = this.options.owner;
    try {
      const members = await this.octokit.paginate(this.octokit.rest.teams.listMembersInOrg, {
        org,
        team_slug: team,
        per_page: 100,
      });
      return members.map((m) => m.login);
    } catch (err) {
      if (isHttpFailure(err) && err.status === 404) return null;
      if (err instanceof RateLimitError) throw err;
      const status = isHttpFailure(err) ? ` (HTTP ${err.status})` : "";
      throw new Error(
        `Listing the members of team ${org}/${team} at ${this.location}${status} failed: ` +
          `${err instanceof Error ? err.message : String(err)}. Nothing was changed; the token needs read:org.`,
      );
    }
  }
}
