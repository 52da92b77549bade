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

/** A request's target as a URL: a path like `//%` is not a URL relative to us, so parse it as a path only. */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(`http://127.0.0.1${(target ?? "/").startsWith("/") ? "" : "/"}${target ?? "/"}`);
  } catch {
    throw new BadRequest(`unreadable request target ${JSON.stringify(target)}`);
  }
}

type Answer = { status: number; body: unknown };
const notFound: Answer = { status: 404, body: { detail: "Not Found" } };

/** `GET /latest/nodes?<query>&limit=&offset=`: a page of the nodes matching the query. */
function listNodes(store: SimulatorStore, params: URLSearchParams): Answer {
  const query = Object.fromEntries(params);
  const limit = count(query.limit, "limit", 50);
  const offset = count(query.offset, "offset", 0);
  const found = store.query(query);
  return {
    status: 200,
    body: { items: found.slice(offset, offset + limit), total: found.length, limit, offset },
  };
}

/** `POST /sim/revisions`: the trigger found a revision; its checkout node. */
function pushRevision(store: SimulatorStore, body: Record<string, unknown>): Answer {
  for (const key of ["tree", "branch", "commit"]) {
    if (typeof body[key] !== "string" || body[key] === "")
      throw new BadRequest(`${key} must be a non-empty string`);
  }
  const revision = { tree: String(body.tree), branch: String(body.branch), commit: String(body.commit) };
  return { status: 201, body: store.pushRevision({ ...revision, url: String(body.url ?? "") }, Date.now()) };
}

/** `PUT /sim/scenario`: the scenario of the checkouts created from then on. */
function setScenario(store: SimulatorStore, body: Record<string, unknown>): Answer {
  if (!scenarioNames.includes(body.scenario as ScenarioName)) {
    return { status: 400, body: { detail: `unknown scenario; one of ${scenarioNames.join(", ")}` } };
  }
  store.scenario = body.scenario as ScenarioName;
  return { status: 200, body: { scenario: store.scenario } };
}

/** `GET /sim/state`: the scenario and the checkouts, for tests and the local stack. */
function simulatorState(store: SimulatorStore): Answer {
  const nodes = store.all();
  const checkouts = nodes
    .filter((n) => n.kind === "checkout")
    .map((n) => ({ id: n.id, ...n.data.kernel_revision, state: n.state }));
  return { status: 200, body: { scenario: store.scenario, nodes: nodes.length, checkouts } };
}

/** The answer to one request (the routes of startSimulator). */
async function answerRequest(
  store: SimulatorStore,
  token: string,
  req: http.IncomingMessage,
): Promise<Answer> {
  const url = requestUrl(req.url);
  const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
  // Every route but the 404 needs the token: /sim/* changes or reveals the simulated state.
  if (/^[A-Z]+ \/(latest|sim)\//.test(route) && req.headers.authorization !== `Bearer ${token}`)
    return { status: 401, body: { detail: "Not authenticated" } };
  if (route === "GET /latest/nodes") return listNodes(store, url.searchParams);
  if (route.startsWith("GET /latest/node/")) {
    const match = /^GET \/latest\/node\/([0-9a-f]{24})$/.exec(route);
    const node = match ? store.get(match[1]) : undefined;
    return node ? { status: 200, body: node } : notFound;
  }
  if (route === "POST /sim/revisions") return pushRevision(store, await readJson(req));
  if (route === "PUT /sim/scenario") return setScenario(store, await readJson(req));
  if (route === "GET /sim/state") return simulatorState(store);
  return notFound;
}

/**
 * The simulated trigger: polls the kernel repositories like kernelci-pipeline's trigger does,
 * each new branch head a checkout. Heads present at start are old news, as for a trigger that
 * already created their nodes. Returns the function that stops it.
 */
async function watchRemotes(
  store: SimulatorStore,
  watch: readonly WatchedRemote[],
  pollMs: number,
): Promise<() => void> {
  const seen = new Set<string>();
  const pollRemotes = async (record: boolean) => {
    for (const watched of watch) {
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
  await pollRemotes(true);
  let polling = false;
  const trigger = setInterval(() => {
    if (polling) return;
    polling = true;
    pollRemotes(false).finally(() => {
      polling = false;
    });
  }, pollMs);
  return () => clearInterval(trigger);
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
  const server = http.createServer((req, res) => {
    answerRequest(store, options.token, req)
      .then(({ status, body }) => send(res, status, body))
      .catch((error) => {
        const bad = error instanceof BadRequest || error instanceof QueryError;
        if (res.headersSent) {
          res.destroy();
          return;
        }
        send(res, bad ? 400 : 500, { detail: bad ? error.message : String(error) });
      });
  });
  const ticker = setInterval(() => store.tick(Date.now()), options.tickMs ?? 25);
  const stopTrigger = await watchRemotes(store, options.watch ?? [], options.triggerPollMs ?? 200);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(ticker);
        stopTrigger();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
