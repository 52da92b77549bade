import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { lsRemote } from "../../lib/git/repo";
import { type ScenarioName, scenarioNames } from "./scenarios";
import { compressedTimings, QueryError, SimulatorStore, type Timings } from "./store";

/** A kernel repository the simulated trigger polls: each new branch head becomes a checkout. */
export interface WatchedRemote {
  remote: string;
  /** The tree name the pipeline gives this repository (`data.kernel_revision.tree`). */
  tree: string;
}

export interface SimulatorOptions {
  token: string;
  scenario: ScenarioName;
  port?: number;
  timings?: Partial<Timings>;
  /** How often the pipeline and timeout service advance. */
  tickMs?: number;
  watch?: WatchedRemote[];
  triggerPollMs?: number;
}

export interface Simulator {
  url: string;
  store: SimulatorStore;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Bad input from a client: answered 400 with the reason, the server keeps serving. */
class BadRequest extends Error {}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1 << 20) throw new BadRequest("request body larger than 1 MiB");
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw new BadRequest(`the body is not JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new BadRequest("the body must be a JSON object");
  return body as Record<string, unknown>;
}

/** A non-negative integer query parameter, or a 400. */
function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value))
    throw new BadRequest(`${name} must be a non-negative integer, not ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * The KernelCI API subset the procedure uses, on 127.0.0.1, over a SimulatorStore:
 * - `GET /latest/nodes?<query>&limit=&offset=` -> `{items, total, limit, offset}` (Bearer token);
 * - `GET /latest/node/{id}` (Bearer token);
 * - control, for tests and the local stack: `POST /sim/revisions` (the trigger found a
 *   revision: `{tree, branch, commit, url}`), `PUT /sim/scenario` (`{scenario}`, for checkouts
 *   created from then on), `GET /sim/state`.
 * With `watch`, a simulated trigger polls kernel repositories like kernelci-pipeline's does.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const timings = { ...compressedTimings, ...options.timings };
  const store = new SimulatorStore(options.scenario, timings, Date.now());
  const seen = new Set<string>();

  const server = http.createServer((req, res) => {
    (async () => {
      // A path like `//%` is not a URL relative to us: parse it as a path only.
      let url: URL;
      try {
        url = new URL(`http://127.0.0.1${(req.url ?? "/").startsWith("/") ? "" : "/"}${req.url ?? "/"}`);
      } catch {
        throw new BadRequest(`unreadable request target ${JSON.stringify(req.url)}`);
      }
      const authorized = req.headers.authorization === `Bearer ${options.token}`;
      const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
      // Every route but the 404 needs the token: /sim/* changes or reveals the simulated state.
      if (/^[A-Z]+ \/(latest|sim)\//.test(route) && !authorized)
        return send(res, 401, { detail: "Not authenticated" });
      if (route === "GET /latest/nodes") {
        const query = Object.fromEntries(url.searchParams);
        const limit = count(query.limit, "limit", 50);
        const offset = count(query.offset, "offset", 0);
        const found = store.query(query);
        return send(res, 200, {
          items: found.slice(offset, offset + limit),
          total: found.length,
          limit,
          offset,
        });
      }
      if (route.startsWith("GET /latest/node/")) {
        const match = /^GET \/latest\/node\/([0-9a-f]{24})$/.exec(route);
        const node = match ? store.get(match[1]) : undefined;
        return node ? send(res, 200, node) : send(res, 404, { detail: "Not Found" });
      }
      if (route === "POST /sim/revisions") {
        const body = await readJson(req);
        for (const key of ["tree", "branch", "commit"]) {
          if (typeof body[key] !== "string" || body[key] === "")
            throw new BadRequest(`${key} must be a non-empty string`);
        }
        const node = store.pushRevision(
          {
            tree: String(body.tree),
            branch: String(body.branch),
            commit: String(body.commit),
            url: String(body.url ?? ""),
          },
          Date.now(),
        );
        return send(res, 201, node);
      }
      if (route === "PUT /sim/scenario") {
        const body = await readJson(req);
        if (!scenarioNames.includes(body.scenario as ScenarioName)) {
          return send(res, 400, { detail: `unknown scenario; one of ${scenarioNames.join(", ")}` });
        }
        store.scenario = body.scenario as ScenarioName;
        return send(res, 200, { scenario: store.scenario });
      }
      if (route === "GET /sim/state") {
        const nodes = store.all();
        return send(res, 200, {
          scenario: store.scenario,
          nodes: nodes.length,
          checkouts: nodes
            .filter((n) => n.kind === "checkout")
            .map((n) => ({ id: n.id, ...n.data.kernel_revision, state: n.state })),
        });
      }
      return send(res, 404, { detail: "Not Found" });
    })().catch((error) => {
      const bad = error instanceof BadRequest || error instanceof QueryError;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(res, bad ? 400 : 500, { detail: bad ? error.message : String(error) });
    });
  });

  const ticker = setInterval(() => store.tick(Date.now()), options.tickMs ?? 25);
  let polling = false;
  const pollRemotes = async (record: boolean) => {
    for (const watched of options.watch ?? []) {
      const heads = await lsRemote(watched.remote, ["refs/heads/*"]).catch(() => new Map<string, string>());
      for (const [ref, commit] of heads) {
        const key = `${watched.remote} ${ref} ${commit}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (record) continue;
        const branch = ref.replace(/^refs\/heads\//, "");
        store.pushRevision({ tree: watched.tree, branch, commit, url: watched.remote }, Date.now());
      }
    }
  };
  // Heads present at start are old news, as for a trigger that already created their nodes.
  await pollRemotes(true);
  const trigger = setInterval(() => {
    if (polling) return;
    polling = true;
    pollRemotes(false).finally(() => {
      polling = false;
    });
  }, options.triggerPollMs ?? 200);

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(ticker);
        clearInterval(trigger);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
