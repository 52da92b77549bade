/**
 * A GitHub REST double on 127.0.0.1 for the endpoints the GitHub forge uses: open PRs of a
 * repository and members of a team, 100 per page at most, with Link-header pagination; and
 * rate-limit replies.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { readPullsFile } from "../../lib/forge/local";

/** A PR as GitHub's REST API returns it (the fields the forge reads). */
export interface GithubPull {
  number: number;
  title: string;
  state: "open";
  draft: boolean;
  user: { login: string };
  head: { sha: string; ref: string; repo: { owner: { login: string } } | null };
  base: { ref: string };
  labels: { name: string }[];
  created_at: string;
  updated_at: string;
}

export function githubPull(number: number, fields: Partial<GithubPull> = {}): GithubPull {
  const date = new Date(Date.UTC(2026, 0, 1) + number * 60_000).toISOString();
  return {
    number,
    title: `PR ${number}`,
    state: "open",
    draft: false,
    user: { login: "alice" },
    head: {
      sha: number.toString(16).padStart(40, "0"),
      ref: `branch-${number}`,
      repo: { owner: { login: "alice" } },
    },
    base: { ref: "main" },
    labels: [],
    created_at: date,
    updated_at: date,
    ...fields,
  };
}

export interface GithubServer {
  url: string;
  /** Every request: method, path with query, Authorization header. */
  requests: { method: string; url: string; authorization?: string }[];
  setPulls(owner: string, repo: string, pulls: GithubPull[]): void;
  /** The members of an organisation's team (`/orgs/<org>/teams/<slug>/members`). */
  setTeam(org: string, slug: string, members: string[]): void;
  /** The next `count` requests get a rate-limit reply resetting in `resetInSeconds`. */
  rateLimit(count: number, resetInSeconds: number): void;
  close(): Promise<void>;
}

/** One page of `items` as the request asks for it (100 per page at most), with GitHub's Link header. */
function onePage(items: unknown[], url: URL, host: string): { body: unknown[]; link?: string } {
  const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
  const current = Number(url.searchParams.get("page") ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const next = new URL(url.toString());
    next.searchParams.set("page", String(p));
    return `<http://${host}${next.pathname}${next.search}>; rel="${rel}"`;
  };
  const links = [
    ...(current < last ? [link(current + 1, "next"), link(last, "last")] : []),
    ...(current > 1 ? [link(1, "first"), link(current - 1, "prev")] : []),
  ];
  return {
    body: items.slice((current - 1) * perPage, current * perPage),
    ...(links.length ? { link: links.join(", ") } : {}),
  };
}

export async function startGithubServer(): Promise<GithubServer> {
  const pulls = new Map<string, GithubPull[]>();
  const teams = new Map<string, string[]>();
  const requests: GithubServer["requests"] = [];
  let limited = 0;
  let resetIn = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({
      method: req.method ?? "GET",
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
    });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(body));
    };
    if (limited > 0) {
      limited--;
      const reset = String(Math.ceil(Date.now() / 1000 + resetIn));
      json(
        403,
        { message: "API rate limit exceeded" },
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
      );
      return;
    }
    const page = (items: unknown[]) => {
      const { body, link } = onePage(items, url, req.headers.host ?? "127.0.0.1");
      json(200, body, link ? { link } : {});
    };
    const pullsRoute = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
    const teamRoute = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/.exec(url.pathname);
    const all = pullsRoute ? pulls.get(`${pullsRoute[1]}/${pullsRoute[2]}`) : undefined;
    const members = teamRoute ? teams.get(`${teamRoute[1]}/${teamRoute[2]}`) : undefined;
    if (req.method !== "GET" || (!all && !members)) {
      json(404, { message: "Not Found" });
    } else if (all) {
      page(url.searchParams.get("state") === "open" ? all.filter((p) => p.state === "open") : all);
    } else {
      page((members ?? []).map((login, i) => ({ login, id: i + 1, type: "User" })));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setPulls: (owner, repo, list) => pulls.set(`${owner}/${repo}`, list),
    setTeam: (org, slug, list) => teams.set(`${org}/${slug}`, list),
    rateLimit: (count, seconds) => {
      limited = count;
      resetIn = seconds;
    },
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/**
 * Serves the repositories of a local forge directory (local/forge.ts) as GitHub would:
 * their pulls files become open PRs of `owner`, with heads read from `refs/pull/<N>/head`.
 * With `gitUrl: file://<parent of dir>` and `owner` = basename of dir, a stack's github forge
 * then reads PRs here and fetches the same commits.
 */
export function serveLocalForge(server: GithubServer, dir: string, owner: string): void {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".pulls.json"))) {
    const repo = file.replace(/\.pulls\.json$/, "");
    const heads = execFileSync("git", ["for-each-ref", "--format=%(refname) %(objectname)", "refs/pull"], {
      cwd: path.join(dir, `${repo}.git`),
      encoding: "utf8",
    });
    const sha = new Map(
      heads
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ") as [string, string]),
    );
    const pulls = readPullsFile(path.join(dir, file)).map((p) =>
      githubPull(p.number, {
        title: p.title,
        draft: p.draft,
        user: { login: p.author },
        head: {
          sha: sha.get(`refs/pull/${p.number}/head`) ?? "0".repeat(40),
          ref: p.headRef ?? `pr-${p.number}`,
          repo: { owner: { login: p.headOwner ?? p.author } },
        },
        base: { ref: p.base },
        labels: p.labels.map((name) => ({ name })),
        created_at: p.createdAt,
        updated_at: p.updatedAt,
      }),
    );
    server.setPulls(owner, repo, pulls);
  }
}
