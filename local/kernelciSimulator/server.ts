import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { lsRemote } from "../../lib/git/repo";
import { type ScenarioName, scenarioNames } from "./scenarios";
import { compressedTimings, SimulatorStore, type Timings } from "./store";

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

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0
    ? {}
    : (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
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
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const authorized = req.headers.authorization === `Bearer ${options.token}`;
    const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
    (async () => {
      if (route.startsWith("GET /latest/")) {
        if (!authorized) return send(res, 401, { detail: "Not authenticated" });
        if (route === "GET /latest/nodes") {
          const query = Object.fromEntries(url.searchParams);
          const limit = Number(query.limit ?? 50);
          const offset = Number(query.offset ?? 0);
          const found = store.query(query);
          return send(res, 200, {
            items: found.slice(offset, offset + limit),
            total: found.length,
            limit,
            offset,
          });
        }
        const match = /^GET \/latest\/node\/([0-9a-f]{24})$/.exec(route);
        const node = match ? store.get(match[1]) : undefined;
        return node ? send(res, 200, node) : send(res, 404, { detail: "Not Found" });
      }
      if (route === "POST /sim/revisions") {
        const body = await readJson(req);
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
    })().catch((error) => send(res, 500, { detail: String(error) }));
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
