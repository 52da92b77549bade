import { KciError } from "../errors";
import type { KernelciNode } from "./node";

/** A failed API call: names the URL (without the token) and the HTTP status, if any. */
export class KernelciApiError extends KciError {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
  ) {
    super("remote", message);
    this.name = "KernelciApiError";
  }
}

/**
 * Query of `GET /latest/nodes`, as kernelci-api parses it: `field=value` or `field__op=value`
 * with op one of lt, lte, gt, gte, ne, re; dotted fields reach into data
 * (`data.kernel_revision.commit`).
 */
export type NodeQuery = Record<string, string>;

export interface KernelciApi {
  readonly baseUrl: string;
  /** Every matching node, following the API's limit/offset pagination. */
  nodes(query: NodeQuery): Promise<KernelciNode[]>;
  node(id: string): Promise<KernelciNode>;
}

export interface KernelciApiOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  pageSize?: number;
  /** Pagination stops with an error after this many pages (a server that never says it is done). */
  maxPages?: number;
}

interface Page {
  items: KernelciNode[];
  total: number;
  limit: number;
  offset: number;
}

type Get = <T>(pathAndQuery: string) => Promise<T>;

/** An authenticated GET of the API's JSON under a deadline; every failure names the URL. */
function apiGet(base: string, options: Pick<KernelciApiOptions, "token" | "timeoutMs">): Get {
  return async <T>(pathAndQuery: string): Promise<T> => {
    const url = `${base}${pathAndQuery}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${options.token}`, Accept: "application/json" },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as { name?: string }).name === "TimeoutError"
          ? `no answer within ${options.timeoutMs} ms`
          : String(error);
      throw new KernelciApiError(`KernelCI API GET ${url} failed: ${reason}`, url, null);
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => "")).slice(0, 300);
      const hint = response.status === 401 ? " (check kernelci:secrets.apiToken)" : "";
      throw new KernelciApiError(
        `KernelCI API GET ${url} answered ${response.status}${hint}: ${body}`,
        url,
        response.status,
      );
    }
    // The body is read under the same deadline; a cut or garbled one is named with its URL.
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw new KernelciApiError(
        `KernelCI API GET ${url} answered an unreadable body: ${String(error)}`,
        url,
        null,
      );
    }
  };
}

/** Every node matching `query`, page by page, with a bound on the pages. */
async function allNodes(
  get: Get,
  base: string,
  query: Record<string, string>,
  pageSize: number,
  maxPages: number,
): Promise<KernelciNode[]> {
  const found: KernelciNode[] = [];
  for (let offset = 0, pages = 0; ; ) {
    const params = new URLSearchParams({ ...query, limit: String(pageSize), offset: String(offset) });
    const path = `/latest/nodes?${params}`;
    const page = await get<Page>(path);
    if (!Array.isArray(page?.items))
      throw new KernelciApiError(
        `KernelCI API GET ${base}${path} answered no list of items`,
        `${base}${path}`,
        null,
      );
    found.push(...page.items);
    // Without a `total`, a page shorter than asked is the last one.
    const last =
      page.items.length === 0 ||
      (typeof page.total === "number"
        ? offset + page.items.length >= page.total
        : page.items.length < pageSize);
    if (last) return found;
    offset += page.items.length;
    if (++pages >= maxPages)
      throw new KernelciApiError(
        `KernelCI API GET ${base}/latest/nodes: more than ${maxPages} pages of ${pageSize} nodes; stopped (query ${params})`,
        `${base}${path}`,
        null,
      );
  }
}

export function kernelciApi(options: KernelciApiOptions): KernelciApi {
  const base = options.baseUrl.replace(/\/+$/, "");
  const get = apiGet(base, options);
  return {
    baseUrl: base,
    nodes: (query) => allNodes(get, base, query, options.pageSize ?? 250, options.maxPages ?? 400),
    node: (id) => get<KernelciNode>(`/latest/node/${encodeURIComponent(id)}`),
  };
}

/** The node of `id` and all its descendants: the API keeps a tree under one `treeid`. */
export async function nodeTree(api: KernelciApi, root: KernelciNode): Promise<KernelciNode[]> {
  const tree = await api.nodes({ treeid: root.treeid });
  return tree.some((n) => n.id === root.id) ? tree : [root, ...tree];
}
