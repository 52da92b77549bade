/**
 * KernelCI nodes and their state machine (seed 004, kernelci-core `kernelci/api/models.py`).
 * Pure: the simulator's timeout service, the drain and the pipe cleaner all decide with these.
 */

export const nodeKinds = ["checkout", "kbuild", "test", "job", "process", "regression"] as const;
export type NodeKind = (typeof nodeKinds)[number];

export const nodeStates = ["running", "available", "closing", "done"] as const;
export type NodeState = (typeof nodeStates)[number];

export const nodeResults = ["pass", "fail", "skip", "incomplete"] as const;
export type NodeResult = (typeof nodeResults)[number] | null;

export interface KernelRevision {
  tree: string;
  branch: string;
  commit: string;
  url: string;
  describe?: string;
}

/** The subset of the API's Node model the procedure reads (times are ISO 8601 strings). */
export interface KernelciNode {
  id: string;
  kind: NodeKind;
  name: string;
  parent: string | null;
  treeid: string;
  state: NodeState;
  result: NodeResult;
  created: string;
  updated: string;
  timeout: string;
  holdoff: string | null;
  data: { kernel_revision?: KernelRevision; error_code?: string | null };
  artifacts?: Record<string, string>;
}

const allowed: Record<NodeState, readonly NodeState[]> = {
  running: ["available", "closing", "done"],
  available: ["closing", "done"],
  closing: ["done"],
  done: [],
};

/** The only transitions the API's state machine permits; `done` is final. */
export function isAllowedTransition(from: NodeState, to: NodeState): boolean {
  return allowed[from].includes(to);
}

/** What the timeout service sees of one node at `now` (epoch ms). */
export interface TimeoutView {
  state: NodeState;
  result: NodeResult;
  timeout: number;
  holdoff: number | null;
  /** Every descendant (not only direct children) is done; true for a leaf. */
  descendantsDone: boolean;
}

export interface StateChange {
  state: NodeState;
  result: NodeResult;
  /** Set when the node was closed by its timeout without a result of its own. */
  errorCode: "node_timeout" | null;
  /** The node timed out: its unfinished descendants are closed with it (seed 004). */
  timedOut: boolean;
}

/**
 * The timeout service's decision for one node (kernelci-services.md):
 * - a not-done node past its timeout -> done (result `incomplete`, error `node_timeout` if none);
 * - an available node past its holdoff -> closing if a descendant is not done, else done;
 * - a closing node whose descendants are all done -> done.
 * Returns null when nothing changes. Every change it returns is an allowed transition.
 */
export function nextState(view: TimeoutView, now: number): StateChange | null {
  if (view.state === "done") return null;
  if (now >= view.timeout) {
    return {
      state: "done",
      result: view.result ?? "incomplete",
      errorCode: view.result === null ? "node_timeout" : null,
      timedOut: true,
    };
  }
  const settled = { result: view.result, errorCode: null, timedOut: false } as const;
  if (view.state === "available" && view.holdoff !== null && now >= view.holdoff) {
    return { ...settled, state: view.descendantsDone ? "done" : "closing" };
  }
  if (view.state === "closing" && view.descendantsDone) return { ...settled, state: "done" };
  return null;
}

/** A node still in the pipeline (not done): what the drain waits for. */
export function isInFlight(node: Pick<KernelciNode, "state">): boolean {
  return node.state !== "done";
}

/** Every node below `rootId` in `nodes` (by parent links), excluding the root itself. */
export function descendantsOf<T extends Pick<KernelciNode, "id" | "parent">>(
  rootId: string,
  nodes: T[],
): T[] {
  const children = new Map<string, T[]>();
  for (const node of nodes) {
    if (node.parent === null) continue;
    const list = children.get(node.parent) ?? [];
    list.push(node);
    children.set(node.parent, list);
  }
  const found: T[] = [];
  const queue = [rootId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const child of children.get(id) ?? []) {
      found.push(child);
      queue.push(child.id);
    }
  }
  return found;
}
