import { Octokit } from "@octokit/rest";
import { KciError } from "../errors";
import type { Forge, PullRequest } from "./types";

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
    // Failed requests are reported by the errors thrown below, with the repository named.
    const quiet = () => undefined;
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: apiUrl,
      userAgent: "kernelci-deploy",
      log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
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
    let pulls: Awaited<ReturnType<Octokit["rest"]["pulls"]["list"]>>["data"];
    try {
      pulls = await this.octokit.paginate(this.octokit.rest.pulls.list, {
        owner,
        repo,
        state: "open",
        per_page: 100,
      });
    } catch (err) {
      if (err instanceof RateLimitError) throw err;
      const status = isHttpFailure(err) ? ` (HTTP ${err.status})` : "";
      throw new Error(
        `Listing the open PRs of ${owner}/${repo} at ${this.location}${status} failed: ` +
          `${err instanceof Error ? err.message : String(err)}. Nothing was changed; check the token and the network.`,
      );
    }
    return pulls.map((p) => ({
      number: p.number,
      title: p.title,
      author: p.user?.login ?? "",
      headOwner: p.head.repo ? p.head.repo.owner.login : null,
      headRef: p.head.ref,
      headSha: p.head.repo ? p.head.sha : null,
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
