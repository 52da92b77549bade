import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface ActionsDouble {
  url: string;
  /** Dispatches received: workflow, ref and inputs. */
  dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[];
  /** Behaviour of the next runs (changeable between tests). */
  behaviour: { conclusion: "success" | "failure" | "cancelled"; pollsToComplete: number };
  /** Someone re-runs a run by hand on GitHub: it runs again, then ends with `conclusion`. */
  rerun(runId: number, conclusion: string, pollsToComplete?: number): void;
  /** Someone deletes a run on GitHub. */
  deleteRun(runId: number): void;
  close(): Promise<void>;
}

/**
 * The GitHub Actions REST endpoints the rootfs build calls: workflow_dispatch (answering the
 * run's details when `return_run_details` is set, like GitHub since 2026-02) and get a run.
 * Each dispatch also creates a decoy run of the same workflow that completes first with
 * another conclusion: following anything but the exact run would be caught.
 */
export async function startActions(options: { token: string }): Promise<ActionsDouble> {
  const dispatches: ActionsDouble["dispatches"] = [];
  const behaviour: ActionsDouble["behaviour"] = { conclusion: "success", pollsToComplete: 2 };
  const runs = new Map<
    number,
    { polls: number; conclusion: string; pollsToComplete: number; owner: string; repo: string }
  >();
  let nextRun = 9000;
  let url = "";

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? "";
    if (auth !== `token ${options.token}` && auth !== `bearer ${options.token}`) {
      return send(401, { message: "Bad credentials" });
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const dispatch = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(
        u.pathname,
      );
      if (req.method === "POST" && dispatch) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        dispatches.push({
          workflow: decodeURIComponent(dispatch[3]),
          ref: body.ref,
          inputs: body.inputs ?? {},
        });
        const [owner, repo] = [dispatch[1], dispatch[2]];
        runs.set(nextRun++, { polls: 0, conclusion: "failure", pollsToComplete: 0, owner, repo });
        const id = nextRun++;
        runs.set(id, { polls: 0, ...behaviour, owner, repo });
        if (!body.return_run_details) return send(204);
        return send(200, {
          workflow_run_id: id,
          run_url: `${url}/repos/${owner}/${repo}/actions/runs/${id}`,
          html_url: `https://github.invalid/${owner}/${repo}/actions/runs/${id}`,
        });
      }
      const runMatch = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(u.pathname);
      if (req.method === "GET" && runMatch) {
        const run = runs.get(Number(runMatch[3]));
        if (!run) return send(404, { message: "Not Found" });
        run.polls++;
        const completed = run.polls > run.pollsToComplete;
        return send(200, {
          id: Number(runMatch[3]),
          status: completed ? "completed" : run.polls === 1 ? "queued" : "in_progress",
          conclusion: completed ? run.conclusion : null,
          html_url: `https://github.invalid/${run.owner}/${run.repo}/actions/runs/${runMatch[3]}`,
        });
      }
      send(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dispatches,
    behaviour,
    rerun(runId, conclusion, pollsToComplete = 0) {
      const run = runs.get(runId);
      if (!run) throw new Error(`no run ${runId} to re-run`);
      runs.set(runId, { ...run, polls: 0, conclusion, pollsToComplete });
    },
    deleteRun: (runId) => runs.delete(runId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
