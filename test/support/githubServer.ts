/**
 * A GitHub REST double on 127.0.0.1 for the endpoints the forge and the bot use: open PRs,
 * team members, a PR's files and comments (lists paged 100 at most, with Link headers), labels
 * and commit statuses; and rate-limit or server-error replies on demand.
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

/** What the bot wrote on one PR: comments, labels added or removed, files it changes. */
export interface GithubPrRecord {
  files: string[];
  comments: { id: number; body: string; user: { login: string } }[];
  labels: string[];
}

export interface GithubServer {
  url: string;
  /** Every request: method, path with query, Authorization header, arrival (ms since the epoch). */
  requests: { method: string; url: string; authorization?: string; at: number }[];
  setPulls(owner: string, repo: string, pulls: GithubPull[]): void;
  /** The members of an organisation's team (`/orgs/<org>/teams/<slug>/members`). */
  setTeam(org: string, slug: string, members: string[]): void;
  /** The comments, labels and changed files of `owner/repo#pr` (created on first use). */
  pr(owner: string, repo: string, pr: number): GithubPrRecord;
  /** Commit statuses by `owner/repo@sha`, newest last. */
  statuses: Map<string, { state: string; description: string; target_url: string; context: string }[]>;
  /** The next `count` requests get a rate-limit reply resetting in `resetInSeconds`. */
  rateLimit(count: number, resetInSeconds: number): void;
  /** The next `count` requests get an HTTP `status` error (a 5xx, say). */
  failNext(count: number, status: number): void;
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

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Route = [method: string, pattern: RegExp, handle: (m: string[], body: unknown, url: URL) => Reply];

/** The endpoints, each a method, a path pattern and a handler of its captures and JSON body. */
function routes(
  server: GithubServer,
  pulls: Map<string, GithubPull[]>,
  teams: Map<string, string[]>,
  prs: Map<string, GithubPrRecord>,
): Route[] {
  const page = (items: unknown[]): Reply => ({ status: 200, body: items });
  const notFound: Reply = { status: 404, body: { message: "Not Found" } };
  let nextId = 1;
  return [
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
      ([, o, r], _b, url) => {
        const all = pulls.get(`${o}/${r}`);
        if (!all) return notFound;
        return page(url.searchParams.get("state") === "open" ? all.filter((p) => p.state === "open") : all);
      },
    ],
    [
      "GET",
      /^\/orgs\/([^/]+)\/teams\/([^/]+)\/members$/,
      ([, org, slug]) => {
        const members = teams.get(`${org}/${slug}`);
        return members ? page(members.map((login, i) => ({ login, id: i + 1, type: "User" }))) : notFound;
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      ([, o, r, n]) => {
        const pull = pulls.get(`${o}/${r}`)?.find((p) => p.number === Number(n));
        return pull ? { status: 200, body: pull } : notFound;
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/,
      ([, o, r, n]) =>
        // GitHub lists at most 3,000 files of a PR.
        page(
          server
            .pr(o, r, Number(n))
            .files.slice(0, 3000)
            .map((filename) => ({ filename, status: "modified" })),
        ),
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      ([, o, r, n]) => page(server.pr(o, r, Number(n)).comments),
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      ([, o, r, n], body) => {
        const comment = {
          id: nextId++,
          body: String((body as { body: string }).body),
          user: { login: "kcibot" },
        };
        server.pr(o, r, Number(n)).comments.push(comment);
        return { status: 201, body: comment };
      },
    ],
    [
      "PATCH",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      ([, o, r, id], body) => {
        for (const [key, record] of prs) {
          const comment = key.startsWith(`${o}/${r}#`)
            ? record.comments.find((c) => c.id === Number(id))
            : undefined;
          if (comment) {
            comment.body = String((body as { body: string }).body);
            return { status: 200, body: comment };
          }
        }
        return notFound;
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/,
      ([, o, r, n], body) => {
        const record = server.pr(o, r, Number(n));
        for (const label of (body as { labels: string[] }).labels)
          if (!record.labels.includes(label)) record.labels.push(label);
        return { status: 200, body: record.labels.map((name) => ({ name })) };
      },
    ],
    [
      "DELETE",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/([^/]+)$/,
      ([, o, r, n, label]) => {
        const record = server.pr(o, r, Number(n));
        const name = decodeURIComponent(label);
        if (!record.labels.includes(name)) return notFound;
        record.labels = record.labels.filter((l) => l !== name);
        return { status: 200, body: record.labels.map((l) => ({ name: l })) };
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/,
      ([, o, r, sha], body) => {
        const key = `${o}/${r}@${sha}`;
        server.statuses.set(key, [...(server.statuses.get(key) ?? []), body as never]);
        return { status: 201, body };
      },
    ],
  ];
}

export async function startGithubServer(): Promise<GithubServer> {
  const pulls = new Map<string, GithubPull[]>();
  const teams = new Map<string, string[]>();
  const prs = new Map<string, GithubPrRecord>();
  let limited = 0;
  let resetIn = 0;
  let failing = { count: 0, status: 500 };
  const double: Omit<GithubServer, "url" | "close"> = {
    requests: [],
    statuses: new Map(),
    setPulls: (owner, repo, list) => pulls.set(`${owner}/${repo}`, list),
    setTeam: (org, slug, list) => teams.set(`${org}/${slug}`, list),
    pr: (owner, repo, pr) => {
      const key = `${owner}/${repo}#${pr}`;
      if (!prs.has(key)) prs.set(key, { files: [], comments: [], labels: [] });
      return prs.get(key) as GithubPrRecord;
    },
    rateLimit: (count, seconds) => {
      limited = count;
      resetIn = seconds;
    },
    failNext: (count, status) => {
      failing = { count, status };
    },
  };
  const table = routes(double as GithubServer, pulls, teams, prs);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    double.requests.push({
      method: req.method ?? "GET",
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      at: Date.now(),
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = ((): Reply => {
      if (limited > 0) {
        limited--;
        const reset = String(Math.ceil(Date.now() / 1000 + resetIn));
        return {
          status: 403,
          body: { message: "API rate limit exceeded" },
          headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
        };
      }
      if (failing.count > 0) {
        failing.count--;
        return { status: failing.status, body: { message: "Server Error" } };
      }
      for (const [method, pattern, handle] of table) {
        const m = pattern.exec(url.pathname);
        if (m && req.method === method)
          return handle([...m], chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {}, url);
      }
      return { status: 404, body: { message: "Not Found" } };
    })();
    const paged =
      reply.status === 200 && req.method === "GET" && Array.isArray(reply.body)
        ? onePage(reply.body, url, req.headers.host ?? "127.0.0.1")
        : { body: reply.body };
    const link = "link" in paged && paged.link ? { link: paged.link } : {};
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      ...reply.headers,
      ...link,
    });
    res.end(JSON.stringify(paged.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...double,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** The files a PR of a local forge's bare repository changes against its base branch. */
function changedFiles(gitDir: string, base: string, pr: number): string[] {
  const diff = execFileSync(
    "git",
    ["diff", "--name-only", `refs/heads/${base}...refs/pull/${pr}/head`, "--"],
    { cwd: gitDir, encoding: "utf8" },
  );
  return diff.split("\n").filter(Boolean);
}

/**
 * Serves the repositories of a local forge directory (local/forge.ts) as GitHub would:
 * their pulls files become open PRs of `owner`, with heads read from `refs/pull/<N>/head`
 * and the files each changes against its base. With `gitUrl: file://<parent of dir>` and
 * `owner` = basename of dir, a stack's github forge then reads PRs here and fetches the same
 * commits.
 */
export function serveLocalForge(server: GithubServer, dir: string, owner: string): void {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".pulls.json"))) {
    const repo = file.replace(/\.pulls\.json$/, "");
    const gitDir = path.join(dir, `${repo}.git`);
    const heads = execFileSync("git", ["for-each-ref", "--format=%(refname) %(objectname)", "refs/pull"], {
      cwd: gitDir,
      encoding: "utf8",
    });
    const sha = new Map(
      heads
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ") as [string, string]),
    );
    const entries = readPullsFile(path.join(dir, file));
    for (const p of entries) server.pr(owner, repo, p.number).files = changedFiles(gitDir, p.base, p.number);
    const pulls = entries.map((p) =>
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
