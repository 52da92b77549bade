import { Octokit } from "@octokit/rest";

/** The longest wait for one GitHub API answer (headers and body). */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

export interface OctokitOptions {
  token?: string;
  /** REST API root; GitHub's by default. */
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * An Octokit whose every request (each retry included) ends by a deadline, and which logs
 * nothing: failures are reported once, by the callers' errors, with the URL named.
 */
export function createOctokit(options: OctokitOptions): Octokit {
  const quiet = () => undefined;
  const octokit = new Octokit({
    auth: options.token,
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/$/, "") } : {}),
    userAgent: "kernelci-deploy",
    log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  octokit.hook.wrap("request", (request, endpoint) =>
    request({ ...endpoint, request: { ...endpoint.request, signal: AbortSignal.timeout(timeoutMs) } }),
  );
  return octokit;
}

interface OctokitFailure {
  status?: number;
  message?: string;
  response?: unknown;
  request?: { url?: string };
}

/**
 * A failed request in words, with its URL: an HTTP status only when the server answered one
 * (Octokit reports a refused connection and a timeout as status 500 without a response).
 */
export function describeRequestFailure(err: unknown, fallbackUrl: string, timeoutMs: number): string {
  const failure = (
    typeof err === "object" && err !== null ? err : { message: String(err) }
  ) as OctokitFailure;
  const url = failure.request?.url ?? fallbackUrl;
  const message = failure.message ?? String(err);
  if (failure.response !== undefined && failure.status !== undefined)
    return `${url} answered HTTP ${failure.status}: ${message}`;
  if (/aborted|timeout/i.test(message)) return `${url} did not answer within ${timeoutMs} ms`;
  return `${url} could not be reached: ${message}`;
}
