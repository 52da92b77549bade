import { KciError } from "../errors";
import { type Clock, type PollPolicy, PollTimeout, pollUntil, systemClock } from "../poll";

export interface JenkinsOptions {
  url: string;
  user: string;
  /** API token (or password) of `user`. */
  token: string;
  requestTimeoutMs: number;
}

export interface JenkinsBuild {
  job: string;
  number: number;
  url: string;
  result: string;
}

export class JenkinsFailure extends KciError {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super("remote", message);
    this.name = "JenkinsFailure";
  }
}

const authHint = (status: number) =>
  status === 401 || status === 403 ? " (check the Jenkins user and token)" : "";

/** `a/b` -> `/job/a/job/b` (folders). */
export function jobPath(job: string): string {
  return job
    .split("/")
    .map((part) => `/job/${encodeURIComponent(part)}`)
    .join("");
}

/** What the procedure asks of Jenkins: run the seed job, cancel the bisections. */
export interface JenkinsClient {
  readonly url: string;
  /** Queues a build and returns the queue item URL Jenkins answers with. */
  build(job: string, parameters: Record<string, string>): Promise<string>;
  /** Queues `job`, follows its queue item to a build, and waits for the build's result. */
  runAndWait(
    job: string,
    parameters: Record<string, string>,
    policy: PollPolicy,
    clock?: Clock,
  ): Promise<JenkinsBuild>;
  /** Cancels queued and running builds of `job` (legacy bisections); returns what it stopped. */
  cancelAll(job: string): Promise<string[]>;
  /** The last finished build of `job` (whoever started it); null when it has none or is gone. */
  lastBuild(job: string): Promise<JenkinsBuild | null>;
}

/** Authenticated calls to one Jenkins; every failure names the URL. */
interface JenkinsHttp {
  base: string;
  call(method: "GET" | "POST", path: string, headers?: Record<string, string>): Promise<Response>;
  json<T>(path: string): Promise<T>;
  /** The same, null where Jenkins answers 404. */
  jsonOrNull<T>(path: string): Promise<T | null>;
  /** Headers for a POST: the crumb (with its session cookie) when CSRF protection is on. */
  crumbHeaders(): Promise<Record<string, string>>;
}

/** A JSON answer; a body cut short, garbled or late (same deadline) is named with its URL. */
async function readJson<T>(response: Response, url: string): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw new JenkinsFailure(`Jenkins GET ${url} answered an unreadable body: ${String(error)}`, url);
  }
}

/** The response, unless Jenkins answered an error: then a failure naming the URL. */
function answered(response: Response, method: string, url: string): Response {
  if (response.status >= 400) {
    throw new JenkinsFailure(
      `Jenkins ${method} ${url} answered ${response.status}${authHint(response.status)}`,
      url,
    );
  }
  return response;
}

function jenkinsHttp(options: JenkinsOptions): JenkinsHttp {
  const base = options.url.replace(/\/+$/, "");
  const auth = `Basic ${Buffer.from(`${options.user}:${options.token}`).toString("base64")}`;
  const request = (url: string, init: RequestInit = {}) =>
    fetch(url, {
      ...init,
      headers: { Authorization: auth, ...(init.headers as Record<string, string>) },
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    }).catch((error) => {
      throw new JenkinsFailure(`Jenkins ${init.method ?? "GET"} ${url} failed: ${String(error)}`, url);
    });
  const urlOf = (path: string) => (path.startsWith("http") ? path : `${base}${path}`);
  const http: JenkinsHttp = {
    base,
    async call(method, path, headers = {}) {
      const url = urlOf(path);
      return answered(await request(url, { method, headers, redirect: "manual" }), method, url);
    },
    json: async <T>(path: string) => readJson<T>(await http.call("GET", path), urlOf(path)),
    async jsonOrNull<T>(path: string) {
      const url = urlOf(path);
      const response = await request(url, { redirect: "manual" });
      return response.status === 404 ? null : readJson<T>(answered(response, "GET", url), url);
    },
    async crumbHeaders() {
      const url = `${base}/crumbIssuer/api/json`;
      const response = await request(url);
      // 404: CSRF protection is off.
      if (response.status === 404) return {};
      if (!response.ok)
        throw new JenkinsFailure(
          `Jenkins GET ${url} answered ${response.status}${authHint(response.status)}`,
          url,
        );
      const crumb = await readJson<{ crumbRequestField: string; crumb: string }>(response, url);
      if (typeof crumb?.crumbRequestField !== "string" || typeof crumb.crumb !== "string")
        throw new JenkinsFailure(`Jenkins GET ${url} answered no crumb`, url);
      const cookie = response.headers.get("set-cookie")?.split(";")[0];
      return { [crumb.crumbRequestField]: crumb.crumb, ...(cookie ? { Cookie: cookie } : {}) };
    },
  };
  return http;
}

async function queueBuild(
  http: JenkinsHttp,
  job: string,
  parameters: Record<string, string>,
): Promise<string> {
  const query = new URLSearchParams(parameters).toString();
  const path = query ? `${jobPath(job)}/buildWithParameters?${query}` : `${jobPath(job)}/build`;
  const response = await http.call("POST", path, await http.crumbHeaders());
  const location = response.headers.get("location");
  if (!location)
    throw new JenkinsFailure(`Jenkins queued ${job} but gave no queue item location`, `${http.base}${path}`);
  return location.replace(/\/+$/, "");
}

/** The build a queue item became, once it left the queue. */
function buildOfQueueItem(
  http: JenkinsHttp,
  queueItem: string,
  jobUrl: string,
  policy: PollPolicy,
  clock: Clock,
) {
  return pollUntil<{ number: number; url: string }, string>(
    async () => {
      const item = await http.json<{
        cancelled?: boolean;
        why?: string;
        executable?: { number: number; url: string };
      }>(`${queueItem}/api/json`);
      if (item.cancelled)
        throw new JenkinsFailure(`Jenkins queue item ${queueItem} of ${jobUrl} was cancelled`, jobUrl);
      return item.executable
        ? { done: true, value: item.executable }
        : { done: false, status: item.why ?? "queued" };
    },
    policy,
    () => "queue timeout",
    clock,
  );
}

/** A build's result once it finished. */
function buildResult(http: JenkinsHttp, job: string, number: number, policy: PollPolicy, clock: Clock) {
  return pollUntil<{ result: string; url: string }, string>(
    async () => {
      const info = await http.json<{ building: boolean; result: string | null; url: string }>(
        `${jobPath(job)}/${number}/api/json`,
      );
      return !info.building && info.result !== null
        ? { done: true, value: { result: info.result, url: info.url } }
        : { done: false, status: info.url };
    },
    policy,
    () => "build timeout",
    clock,
  );
}

async function runAndWait(
  http: JenkinsHttp,
  job: string,
  parameters: Record<string, string>,
  policy: PollPolicy,
  clock: Clock,
): Promise<JenkinsBuild> {
  const jobUrl = `${http.base}${jobPath(job)}`;
  const started = clock.now();
  const remaining = (): PollPolicy => ({ ...policy, timeoutMs: policy.timeoutMs - (clock.now() - started) });
  const queueItem = await queueBuild(http, job, parameters);
  try {
    const executable = await buildOfQueueItem(http, queueItem, jobUrl, remaining(), clock);
    const build = await buildResult(http, job, executable.number, remaining(), clock);
    if (build.result !== "SUCCESS") {
      throw new JenkinsFailure(
        `Jenkins build ${build.url} of ${job} finished ${build.result}: look at ${build.url}console.`,
        build.url,
      );
    }
    return { job, number: executable.number, url: build.url, result: build.result };
  } catch (error) {
    if (error instanceof PollTimeout) {
      throw new JenkinsFailure(
        `Jenkins ${job} did not finish within ${(policy.timeoutMs / 60_000).toFixed(1)} min (last seen: ${String(error.last)}; queue item ${queueItem}). ` +
          `It was not aborted: look at ${jobUrl}, then run \`pulumi up\` again.`,
        jobUrl,
      );
    }
    throw error;
  }
}

async function cancelAll(http: JenkinsHttp, job: string): Promise<string[]> {
  const stopped: string[] = [];
  const queue = await http.json<{ items: { id: number; task: { name: string } }[] }>("/queue/api/json");
  const leaf = job.split("/").pop();
  for (const item of queue.items.filter((i) => i.task.name === leaf)) {
    await http.call("POST", `/queue/cancelItem?id=${item.id}`, await http.crumbHeaders());
    stopped.push(`${http.base}/queue/item/${item.id}/`);
  }
  const info = await http.json<{ builds: { number: number; url: string; building: boolean }[] }>(
    `${jobPath(job)}/api/json?tree=builds[number,url,building]`,
  );
  for (const build of info.builds.filter((b) => b.building)) {
    await http.call("POST", `${jobPath(job)}/${build.number}/stop`, await http.crumbHeaders());
    stopped.push(build.url);
  }
  return stopped;
}

async function lastBuild(http: JenkinsHttp, job: string): Promise<JenkinsBuild | null> {
  const build = await http.jsonOrNull<{ number: number; url: string; result: string }>(
    `${jobPath(job)}/lastCompletedBuild/api/json?tree=number,url,result`,
  );
  return build && { job, number: build.number, url: build.url, result: build.result };
}

/**
 * Jenkins REST client: the CSRF crumb (with its session cookie), build with parameters, queue
 * item -> build number -> result. Every wait has a deadline and every result is checked.
 */
export function jenkinsClient(options: JenkinsOptions): JenkinsClient {
  const http = jenkinsHttp(options);
  return {
    url: http.base,
    build: (job, parameters) => queueBuild(http, job, parameters),
    runAndWait: (job, parameters, policy, clock = systemClock) =>
      runAndWait(http, job, parameters, policy, clock),
    cancelAll: (job) => cancelAll(http, job),
    lastBuild: (job) => lastBuild(http, job),
  };
}
