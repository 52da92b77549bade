import { type KernelciApi, KernelciApiError } from "../../lib/kernelci/api";
import {
  descendantsOf,
  isAllowedTransition,
  type KernelciNode,
  type KernelRevision,
  type NodeKind,
  type NodeResult,
  type NodeState,
  nextState,
} from "../../lib/kernelci/node";
import { type CheckoutPlan, healthyPlan, type ScenarioName, scenarios } from "./scenarios";

/** Compressed durations of seed 004's flow (ms); real KernelCI takes minutes to hours. */
export interface Timings {
  /** Trigger's checkout -> tarball done (checkout available). */
  tarballMs: number;
  buildMs: number;
  testMs: number;
  holdoffMs: number;
  checkoutTimeoutMs: number;
  nodeTimeoutMs: number;
}

export const compressedTimings: Timings = {
  tarballMs: 100,
  buildMs: 150,
  testMs: 150,
  holdoffMs: 100,
  checkoutTimeoutMs: 10 * 60_000,
  nodeTimeoutMs: 10 * 60_000,
};

/** The healthy, done checkout every scenario starts with: a baseline for the pipe cleaner. */
export const REFERENCE_CHECKOUT_ID = "5eedba5e0000000000000001";

const iso = (ms: number) => new Date(ms).toISOString();
const operators = ["gt", "gte", "lt", "lte", "ne", "re"] as const;
type Operator = (typeof operators)[number];

function fieldValue(node: KernelciNode, field: string): unknown {
  let value: unknown = node;
  for (const part of field.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function order(a: unknown, b: string): number {
  const isoLike = /^\d{4}-\d{2}-\d{2}T/;
  if (typeof a === "string" && isoLike.test(a) && isoLike.test(b)) return Date.parse(a) - Date.parse(b);
  if (typeof a === "number" || (typeof a === "string" && a.trim() !== "" && !Number.isNaN(Number(a)))) {
    return Number(a) - Number(b);
  }
  return String(a).localeCompare(b);
}

/**
 * Pure: does `node` match the kernelci-api query (`field=value`, `field__op=value` with op in
 * lt, lte, gt, gte, ne, re; dotted fields)? `limit` and `offset` are pagination, not filters.
 */
export function matchesQuery(node: KernelciNode, query: Record<string, string>): boolean {
  for (const [key, expected] of Object.entries(query)) {
    if (key === "limit" || key === "offset") continue;
    const sep = key.lastIndexOf("__");
    const op = sep > 0 ? (key.slice(sep + 2) as Operator) : null;
    const isOp = op !== null && operators.includes(op);
    const field = isOp ? key.slice(0, sep) : key;
    const value = fieldValue(node, field);
    const text = value === null || value === undefined ? "null" : String(value);
    const ok = !isOp
      ? text === expected
      : op === "ne"
        ? text !== expected
        : op === "re"
          ? new RegExp(expected).test(text)
          : value !== undefined && value !== null && compareOp(op, order(value, expected));
    if (!ok) return false;
  }
  return true;
}

function compareOp(op: "gt" | "gte" | "lt" | "lte", c: number): boolean {
  return op === "gt" ? c > 0 : op === "gte" ? c >= 0 : op === "lt" ? c < 0 : c <= 0;
}

/**
 * The simulated KernelCI: nodes in memory, seed 004's flow (trigger -> tarball -> runner ->
 * jobs) and the timeout service, all advanced by `tick(now)`, a plain function of time so that
 * tests drive it with any clock. Every state change goes through the state machine: a
 * forbidden transition is a bug of the simulator and throws.
 */
export class SimulatorStore {
  private readonly nodes = new Map<string, KernelciNode>();
  private readonly plans = new Map<string, CheckoutPlan>();
  private readonly runPrefix: string;
  private counter = 0;
  scenario: ScenarioName;

  constructor(
    scenario: ScenarioName,
    readonly timings: Timings,
    now: number,
    runPrefix = Math.floor(Math.random() * 0xffffffff)
      .toString(16)
      .padStart(8, "0"),
  ) {
    this.scenario = scenario;
    this.runPrefix = runPrefix;
    this.seedReference(now);
    const inFlight = scenarios[scenario].inFlightAtStart;
    if (inFlight) {
      this.pushRevision(
        {
          tree: "kernelci",
          branch: "in-flight",
          commit: "1".repeat(40),
          url: "https://example.invalid/linux.git",
        },
        now,
        inFlight(),
      );
    }
  }

  private newId(): string {
    this.counter++;
    return `${this.runPrefix}${this.counter.toString(16).padStart(16, "0")}`;
  }

  private create(
    fields: {
      kind: NodeKind;
      name: string;
      parent: KernelciNode | null;
      state?: NodeState;
      result?: NodeResult;
    },
    now: number,
    id = this.newId(),
  ): KernelciNode {
    if (fields.parent && (fields.parent.state === "closing" || fields.parent.state === "done")) {
      throw new Error(
        `simulator bug: ${fields.parent.state} node ${fields.parent.id} cannot take a new child`,
      );
    }
    const node: KernelciNode = {
      id,
      kind: fields.kind,
      name: fields.name,
      parent: fields.parent?.id ?? null,
      treeid: fields.parent?.treeid ?? this.newId(),
      state: fields.state ?? "running",
      result: fields.result ?? null,
      created: iso(now),
      updated: iso(now),
      timeout: iso(
        now + (fields.kind === "checkout" ? this.timings.checkoutTimeoutMs : this.timings.nodeTimeoutMs),
      ),
      holdoff: null,
      data: fields.parent ? { kernel_revision: fields.parent.data.kernel_revision } : {},
    };
    this.nodes.set(node.id, node);
    return node;
  }

  private transition(
    node: KernelciNode,
    to: NodeState,
    now: number,
    changes: Partial<KernelciNode> = {},
  ): void {
    if (!isAllowedTransition(node.state, to)) {
      throw new Error(`simulator bug: forbidden transition ${node.state} -> ${to} of node ${node.id}`);
    }
    Object.assign(node, changes, { state: to, updated: iso(now) });
  }

  /** The healthy reference checkout, done two days ago. */
  private seedReference(now: number): void {
    const past = now - 2 * 86_400_000;
    const checkout = this.create(
      { kind: "checkout", name: "checkout", parent: null },
      past,
      REFERENCE_CHECKOUT_ID,
    );
    checkout.data = {
      kernel_revision: {
        tree: "kernelci",
        branch: "reference",
        commit: "0".repeat(40),
        url: "https://example.invalid/linux.git",
      },
    };
    for (const build of healthyPlan().builds) {
      const kbuild = this.create({ kind: "kbuild", name: build.name, parent: checkout }, past);
      for (const test of build.tests) {
        const node = this.create({ kind: "test", name: test.name, parent: kbuild }, past);
        this.transition(node, "done", past, { result: test.result === "never" ? null : test.result });
      }
      this.transition(kbuild, "done", past, { result: build.result });
    }
    this.transition(checkout, "done", past, { result: "pass" });
  }

  /** The trigger found a new revision: a running checkout node (seed 004). */
  pushRevision(revision: KernelRevision, now: number, plan = scenarios[this.scenario].plan()): KernelciNode {
    const checkout = this.create({ kind: "checkout", name: "checkout", parent: null }, now);
    checkout.data = { kernel_revision: revision };
    this.plans.set(checkout.id, plan);
    return checkout;
  }

  get(id: string): KernelciNode | undefined {
    return this.nodes.get(id);
  }

  all(): KernelciNode[] {
    return [...this.nodes.values()];
  }

  query(query: Record<string, string>): KernelciNode[] {
    return this.all().filter((n) => matchesQuery(n, query));
  }

  /** Advances the pipeline and then the timeout service to `now`. */
  tick(now: number): void {
    const t = this.timings;
    const age = (n: KernelciNode) => now - Date.parse(n.created);
    for (const node of this.all()) {
      if (node.state !== "running") continue;
      if (node.kind === "checkout" && this.plans.has(node.id) && age(node) >= t.tarballMs) {
        // tarball: source uploaded, checkout available with a holdoff; then the runner schedules builds.
        this.transition(node, "available", now, {
          holdoff: iso(now + t.holdoffMs),
          artifacts: { tarball: `https://storage.invalid/${node.id}.tar.gz` },
          result: "pass",
        });
        for (const build of this.plans.get(node.id)?.builds ?? []) {
          this.create({ kind: "kbuild", name: build.name, parent: node }, now);
        }
      } else if (node.kind === "kbuild" && age(node) >= t.buildMs) {
        const plan = this.buildPlan(node);
        this.transition(node, "available", now, {
          result: plan?.result ?? "fail",
          holdoff: iso(now + t.holdoffMs),
        });
        for (const test of plan?.result === "pass" ? plan.tests : []) {
          this.create({ kind: "test", name: test.name, parent: node }, now);
        }
      } else if (node.kind === "test" && age(node) >= t.testMs) {
        const result = this.testResult(node);
        if (result !== "never") this.transition(node, "done", now, { result });
      }
    }
    this.timeoutService(now);
  }

  private checkoutOf(node: KernelciNode): KernelciNode | undefined {
    let current: KernelciNode | undefined = node;
    while (current?.parent) current = this.nodes.get(current.parent);
    return current;
  }

  private buildPlan(kbuild: KernelciNode) {
    const checkout = this.checkoutOf(kbuild);
    return checkout ? this.plans.get(checkout.id)?.builds.find((b) => b.name === kbuild.name) : undefined;
  }

  private testResult(test: KernelciNode): NodeResult | "never" {
    const kbuild = test.parent ? this.nodes.get(test.parent) : undefined;
    const plan = kbuild ? this.buildPlan(kbuild) : undefined;
    return plan?.tests.find((x) => x.name === test.name)?.result ?? "incomplete";
  }

  /** kernelci-pipeline's timeout/holdoff/closing handlers, through the pure `nextState`. */
  private timeoutService(now: number): void {
    const nodes = this.all();
    for (const node of nodes) {
      if (node.state === "done") continue;
      const descendants = descendantsOf(node.id, nodes);
      const change = nextState(
        {
          state: node.state,
          result: node.result,
          timeout: Date.parse(node.timeout),
          holdoff: node.holdoff === null ? null : Date.parse(node.holdoff),
          descendantsDone: descendants.every((d) => d.state === "done"),
        },
        now,
      );
      if (change === null) continue;
      this.transition(node, change.state, now, {
        result: change.result,
        data: { ...node.data, error_code: change.errorCode },
      });
      if (!change.timedOut) continue;
      for (const d of descendants) {
        if (d.state === "done") continue;
        this.transition(d, "done", now, {
          result: d.result ?? "incomplete",
          data: { ...d.data, error_code: d.result === null ? "node_timeout" : null },
        });
      }
    }
  }
}

/** The API over a store without HTTP: engines run against it in unit tests with a fake clock. */
export function storeApi(store: SimulatorStore): KernelciApi {
  return {
    baseUrl: "memory://kernelci",
    async nodes(query) {
      return structuredClone(store.query(query));
    },
    async node(id) {
      const node = store.get(id);
      if (!node)
        throw new KernelciApiError(`KernelCI API: no node ${id}`, `memory://kernelci/latest/node/${id}`, 404);
      return structuredClone(node);
    },
  };
}
