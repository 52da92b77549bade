import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface JenkinsJob {
  /** Result of each build once finished. */
  result: "SUCCESS" | "FAILURE" | "ABORTED";
  /** Polls of the queue item before it gets a build; Infinity keeps it queued. */
  queuePolls: number;
  /** Polls of the build before it finishes; Infinity keeps it building. */
  buildPolls: number;
}

export interface JenkinsDouble {
  url: string;
  /** Builds queued, with their parameters, in order. */
  builds: { job: string; parameters: Record<string, string> }[];
  /** POSTs received (method and path), to assert crumbs and cancellations. */
  posts: string[];
  /** Queued and running builds of a job that a drain is expected to cancel. */
  addRunning(job: string, queued: number, running: number): void;
  /** Someone deletes a job's builds on Jenkins. */
  deleteBuilds(job: string): void;
  close(): Promise<void>;
}

/**
 * A Jenkins serving only what the procedure calls: crumb issuer (with a session cookie the
 * crumb is bound to), buildWithParameters -> queue item -> build -> result, queue listing,
 * cancelItem and stop, the last completed build. Progress is counted in polls, not time, so tests never wait on a clock.
 */
export async function startJenkins(options: {
  user: string;
  token: string;
  jobs: Record<string, JenkinsJob>;
}): Promise<JenkinsDouble> {
  const auth = `Basic ${Buffer.from(`${options.user}:${options.token}`).toString("base64")}`;
  const crumb = "c0ffee";
  const builds: JenkinsDouble["builds"] = [];
  const posts: string[] = [];
  const queue = new Map<number, { job: string; polls: number; number?: number }>();
  /** Builds by `job/number`; `result` is kept once a poll found the build finished. */
  const runs = new Map<string, { polls: number; stopped: boolean; result?: string }>();
  const waiting: { id: number; job: string }[] = [];
  let nextQueueId = 100;
  let url = "";

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (req.headers.authorization !== auth) return send(401, { error: "unauthorized" });
    if (req.method === "GET" && u.pathname === "/crumbIssuer/api/json") {
      return send(
        200,
        { crumbRequestField: "Jenkins-Crumb", crumb },
        { "Set-Cookie": "JSESSIONID.kci=s1; Path=/" },
      );
    }
    if (req.method === "POST") {
      posts.push(`${u.pathname}${u.search}`);
      if (
        req.headers["jenkins-crumb"] !== crumb ||
        !String(req.headers.cookie).includes("JSESSIONID.kci=s1")
      ) {
        return send(403, { error: "No valid crumb was included in the request" });
      }
    }
    const jobMatch = /^\/job\/([^/]+)(?:\/(\d+))?\/(buildWithParameters|build|api\/json|stop)$/.exec(
      u.pathname,
    );
    if (req.method === "POST" && jobMatch && /^build/.test(jobMatch[3])) {
      const job = decodeURIComponent(jobMatch[1]);
      if (!options.jobs[job]) return send(404);
      const id = nextQueueId++;
      queue.set(id, { job, polls: 0 });
      builds.push({ job, parameters: Object.fromEntries(u.searchParams) });
      return send(201, undefined, { Location: `${url}/queue/item/${id}/` });
    }
    const itemMatch = /^\/queue\/item\/(\d+)\/api\/json$/.exec(u.pathname);
    if (req.method === "GET" && itemMatch) {
      const item = queue.get(Number(itemMatch[1]));
      if (!item) return send(404);
      item.polls++;
      if (item.polls <= options.jobs[item.job].queuePolls)
        return send(200, { why: "Waiting for next available executor" });
      if (item.number === undefined) {
        item.number = builds.filter((b) => b.job === item.job).length;
        runs.set(`${item.job}/${item.number}`, { polls: 0, stopped: false });
      }
      return send(200, {
        executable: { number: item.number, url: `${url}/job/${item.job}/${item.number}/` },
      });
    }
    if (req.method === "GET" && jobMatch?.[2] && jobMatch[3] === "api/json") {
      const job = decodeURIComponent(jobMatch[1]);
      const run = runs.get(`${job}/${jobMatch[2]}`);
      if (!run) return send(404);
      run.polls++;
      const finished = run.stopped || run.polls > options.jobs[job].buildPolls;
      if (finished) run.result ??= run.stopped ? "ABORTED" : options.jobs[job].result;
      return send(200, {
        building: !finished,
        result: run.result ?? null,
        url: `${url}/job/${job}/${jobMatch[2]}/`,
      });
    }
    const lastMatch = /^\/job\/([^/]+)\/lastCompletedBuild\/api\/json$/.exec(u.pathname);
    if (req.method === "GET" && lastMatch) {
      const job = decodeURIComponent(lastMatch[1]);
      const last = [...runs.entries()]
        .filter(([key, r]) => key.startsWith(`${job}/`) && r.result !== undefined)
        .map(([key, r]) => ({
          number: Number(key.split("/")[1]),
          url: `${url}/job/${key}/`,
          result: r.result,
        }))
        .sort((a, b) => b.number - a.number)[0];
      return last ? send(200, last) : send(404);
    }
    if (req.method === "GET" && jobMatch && !jobMatch[2] && jobMatch[3] === "api/json") {
      const job = decodeURIComponent(jobMatch[1]);
      const list = [...runs.entries()]
        .filter(([key]) => key.startsWith(`${job}/`))
        .map(([key, r]) => ({
          number: Number(key.split("/")[1]),
          url: `${url}/job/${key}/`,
          building: !r.stopped,
        }));
      return send(200, { builds: list });
    }
    if (req.method === "POST" && jobMatch?.[2] && jobMatch[3] === "stop") {
      const run = runs.get(`${decodeURIComponent(jobMatch[1])}/${jobMatch[2]}`);
      if (run) run.stopped = true;
      return send(302, undefined, { Location: `${url}/` });
    }
    if (req.method === "GET" && u.pathname === "/queue/api/json") {
      return send(200, { items: waiting.map((w) => ({ id: w.id, task: { name: w.job } })) });
    }
    if (req.method === "POST" && u.pathname === "/queue/cancelItem") {
      const id = Number(u.searchParams.get("id"));
      waiting.splice(
        waiting.findIndex((w) => w.id === id),
        1,
      );
      return send(204);
    }
    return send(404);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    builds,
    posts,
    addRunning(job, queued, running) {
      for (let i = 0; i < queued; i++) waiting.push({ id: nextQueueId++, job });
      for (let i = 1; i <= running; i++) runs.set(`${job}/${i}`, { polls: 0, stopped: false });
    },
    deleteBuilds(job) {
      for (const key of [...runs.keys()]) if (key.startsWith(`${job}/`)) runs.delete(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
