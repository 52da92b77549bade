import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A GitHub REST double on 127.0.0.1 for the issue-comment endpoints: list (Link-header pages),
 * create, update, delete. Comments are kept per `owner/repo#number`.
 */
export interface CommentsServer {
  url: string;
  comments(repo: string, pr: number): { id: number; body: string }[];
  seed(repo: string, pr: number, bodies: string[]): void;
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startCommentsServer(): Promise<CommentsServer> {
  const byPr = new Map<string, { id: number; body: string }[]>();
  const requests: CommentsServer["requests"] = [];
  let nextId = 1000;
  const list = (key: string) => byPr.get(key) ?? byPr.set(key, []).get(key) ?? [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        authorization: req.headers.authorization,
      });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(status === 204 ? undefined : JSON.stringify(body));
      };
      const onPr = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (onPr && req.method === "GET") {
        const all = list(`${onPr[1]}#${onPr[2]}`);
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        const more = page * perPage < all.length;
        json(
          200,
          all.slice((page - 1) * perPage, page * perPage),
          more ? { link: `<${next}>; rel="next"` } : {},
        );
        return;
      }
      if (onPr && req.method === "POST") {
        const comment = { id: nextId++, body: JSON.parse(raw).body };
        list(`${onPr[1]}#${onPr[2]}`).push(comment);
        json(201, comment);
        return;
      }
      const found =
        one &&
        [...byPr.entries()].find(
          ([k, cs]) => k.startsWith(`${one[1]}#`) && cs.some((c) => c.id === Number(one[2])),
        );
      if (one && found) {
        const comments = found[1];
        const index = comments.findIndex((c) => c.id === Number(one[2]));
        if (req.method === "PATCH") {
          comments[index].body = JSON.parse(raw).body;
          json(200, comments[index]);
          return;
        }
        if (req.method === "DELETE") {
          comments.splice(index, 1);
          json(204, null);
          return;
        }
      }
      json(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments: (repo, pr) => list(`${repo}#${pr}`).map((c) => ({ ...c })),
    seed: (repo, pr, bodies) => {
      for (const body of bodies) list(`${repo}#${pr}`).push({ id: nextId++, body });
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
