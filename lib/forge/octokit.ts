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
 * fetch with a deadline on the whole exchange, the body read before Octokit sees it: Octokit
 * turns a body cut short into an empty one (an empty list of PRs!), and its merge of request
 * options drops a signal set in a hook.
 */
function fetchWithDeadline(timeoutMs: number) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.arrayBuffer();
    const empty = response.status === 204 || response.status === 205 || response.status === 304;
    const copy = new Response(empty ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // Octokit reports the URL a response came from (after redirects).
    Object.defineProperty(copy, "url", { value: response.url });
    return copy;
  };
}

/**
 * An Octokit whose every request (each retry included) ends by a deadline, and which logs
 * nothing: failures are reported once, by the callers' errors, with the URL named. `Kit` is
 * Octokit with plugins, `extra` their options (and any other constructor option to override).
 */
export function createOctokit<K extends typeof Octokit = typeof Octokit>(
  options: OctokitOptions,
  Kit: K = Octokit as K,
  extra: Partial<ConstructorParameters<K>[0]> = {},
): InstanceType<K> {
  const quiet = () => undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  return new Kit({
    auth: options.token,
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/$/, "") } : {}),
    userAgent: "kernelci-deploy",
    log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
    request: { fetch: fetchWithDeadline(timeoutMs) },
    ...extra,
  }) as InstanceType<K>;
}

interface OctokitFailure {
  status?: number;
  message?: string;
  name?: string;
  cause?: { name?: string; message?: string };
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
  const names = [failure.name, failure.cause?.name].join(" ");
  if (/TimeoutError|AbortError/.test(names) || /aborted|timeout/i.test(message))
    return `${url} did not answer within ${timeoutMs} ms`;
  return `${url} could not be reached: ${message}`;
}
