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
}

interface Page {
  items: KernelciNode[];
  total: number;
  limit: number;
  offset: number;
}

export function kernelciApi(options: KernelciApiOptions): KernelciApi {
  const base = options.baseUrl.replace(/\/+$/, "");
  const pageSize = options.pageSize ?? 250;

  async function get<T>(pathAndQuery: string): Promise<T> {
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
      const body = (await response.text()).slice(0, 300);
      const hint = response.status === 401 ? " (check kernelci:secrets.apiToken)" : "";
      throw new KernelciApiError(
        `KernelCI API GET ${url} answered ${response.status}${hint}: ${body}`,
        url,
        response.status,
      );
    }
    return (await response.json()) as T;
  }

  return {
    baseUrl: base,
    async nodes(query) {
      const found: KernelciNode[] = [];
      for (let offset = 0; ; offset += pageSize) {
        const params = new URLSearchParams({ ...query, limit: String(pageSize), offset: String(offset) });
        const page = await get<Page>(`/latest/nodes?${params}`);
        found.push(...page.items);
        if (page.items.length === 0 || offset + page.items.length >= page.total) return found;
      }
    },
    node(id) {
      return get<KernelciNode>(`/latest/node/${encodeURIComponent(id)}`);
    },
  };
}

/** The node of `id` and all its descendants: the API keeps a tree under one `treeid`. */
export async function nodeTree(api: KernelciApi, root: KernelciNode): Promise<KernelciNode[]> {
  const tree = await api.nodes({ treeid: root.treeid });
  return tree.some((n) => n.id === root.id) ? tree : [root, ...tree];
}
