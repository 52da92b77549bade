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

export class JenkinsFailure extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
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

/**
 * Jenkins REST client: the CSRF crumb (with its session cookie), build with parameters, queue
 * item -> build number -> result. Every wait has a deadline and every result is checked.
 */
export function jenkinsClient(options: JenkinsOptions) {
  const base = options.url.replace(/\/+$/, "");
  const auth = `Basic ${Buffer.from(`${options.user}:${options.token}`).toString("base64")}`;

  async function call(
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const url = path.startsWith("http") ? path : `${base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { Authorization: auth, ...headers },
        redirect: "manual",
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
    } catch (error) {
      throw new JenkinsFailure(`Jenkins ${method} ${url} failed: ${String(error)}`, url);
    }
    if (response.status >= 400) {
      const hint =
        response.status === 401 || response.status === 403 ? " (check the Jenkins user and token)" : "";
      throw new JenkinsFailure(`Jenkins ${method} ${url} answered ${response.status}${hint}`, url);
    }
    return response;
  }

  /** A JSON answer; a body cut short, garbled or late (same deadline) is named with its URL. */
  async function readJson<T>(response: Response, url: string): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw new JenkinsFailure(`Jenkins GET ${url} answered an unreadable body: ${String(error)}`, url);
    }
  }

  const json = async <T>(path: string): Promise<T> => {
    const response = await call("GET", path);
    return readJson<T>(response, response.url || (path.startsWith("http") ? path : `${base}${path}`));
  };

  /** Headers for a POST: the crumb when CSRF protection is on (404 means it is off). */
  async function crumbHeaders(): Promise<Record<string, string>> {
    const url = `${base}/crumbIssuer/api/json`;
    const response = await fetch(url, {
      headers: { Authorization: auth },
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    }).catch((error) => {
      throw new JenkinsFailure(`Jenkins GET ${url} failed: ${String(error)}`, url);
    });
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
  }

  return {
    url: base,

    /** Queues a build and returns the queue item URL Jenkins answers with. */
    async build(job: string, parameters: Record<string, string>): Promise<string> {
      const query = new URLSearchParams(parameters).toString();
      const path = query ? `${jobPath(job)}/buildWithParameters?${query}` : `${jobPath(job)}/build`;
      const response = await call("POST", path, await crumbHeaders());
      const location = response.headers.get("location");
      if (!location)
        throw new JenkinsFailure(`Jenkins queued ${job} but gave no queue item location`, `${base}${path}`);
      return location.replace(/\/+$/, "");
    },

    /** Queues `job`, follows its queue item to a build, and waits for the build's result. */
    async runAndWait(
      job: string,
      parameters: Record<string, string>,
      policy: PollPolicy,
      clock: Clock = systemClock,
    ): Promise<JenkinsBuild> {
      const jobUrl = `${base}${jobPath(job)}`;
      const started = clock.now();
      const remaining = (): PollPolicy => ({
        ...policy,
        timeoutMs: policy.timeoutMs - (clock.now() - started),
      });
      const queueItem = await this.build(job, parameters);
      try {
        const executable = await pollUntil<{ number: number; url: string }, string>(
          async () => {
            const item = await json<{
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
          remaining(),
          () => "queue timeout",
          clock,
        );
        const build = await pollUntil<{ result: string; url: string }, string>(
          async () => {
            const info = await json<{ building: boolean; result: string | null; url: string }>(
              `${jobPath(job)}/${executable.number}/api/json`,
            );
            return !info.building && info.result !== null
              ? { done: true, value: { result: info.result, url: info.url } }
              : { done: false, status: info.url };
          },
          remaining(),
          () => "build timeout",
          clock,
        );
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
    },

    /** Cancels queued and running builds of `job` (legacy bisections); returns what it stopped. */
    async cancelAll(job: string): Promise<string[]> {
      const stopped: string[] = [];
      const queue = await json<{ items: { id: number; task: { name: string } }[] }>("/queue/api/json");
      const leaf = job.split("/").pop();
      for (const item of queue.items.filter((i) => i.task.name === leaf)) {
        await call("POST", `/queue/cancelItem?id=${item.id}`, await crumbHeaders());
        stopped.push(`${base}/queue/item/${item.id}/`);
      }
      const info = await json<{ builds: { number: number; url: string; building: boolean }[] }>(
        `${jobPath(job)}/api/json?tree=builds[number,url,building]`,
      );
      for (const build of info.builds.filter((b) => b.building)) {
        await call("POST", `${jobPath(job)}/${build.number}/stop`, await crumbHeaders());
        stopped.push(build.url);
      }
      return stopped;
    },
  };
}

export type JenkinsClient = ReturnType<typeof jenkinsClient>;
