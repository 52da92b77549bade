import * as fs from "node:fs";
import * as path from "node:path";
import { KciError } from "../errors";
import { type Clock, type PollPolicy, pollUntil, systemClock } from "../poll";
import { type KernelciApi, nodeTree } from "./api";
import { type KernelciNode, type NodeKind, nodeKinds } from "./node";

/** Counts of one node kind in a checkout's tree (seed 001: builds, tests, pass rates). */
export interface KindSummary {
  count: number;
  pass: number;
  fail: number;
  skip: number;
  incomplete: number;
  /** pass / count, in percent (0 when count is 0). */
  passRate: number;
}

export interface PipeCleanerSummary {
  checkoutId: string;
  tree: string;
  commit: string;
  kinds: Partial<Record<NodeKind, KindSummary>>;
}

/** Pure: counts and pass rates per node kind below the checkout (the checkout itself excluded). */
export function summarize(checkout: KernelciNode, tree: KernelciNode[]): PipeCleanerSummary {
  const kinds: Partial<Record<NodeKind, KindSummary>> = {};
  for (const node of tree) {
    if (node.id === checkout.id) continue;
    const s = kinds[node.kind] ?? { count: 0, pass: 0, fail: 0, skip: 0, incomplete: 0, passRate: 0 };
    s.count++;
    if (node.result === null) s.incomplete++;
    else s[node.result]++;
    kinds[node.kind] = s;
  }
  for (const s of Object.values(kinds)) s.passRate = s.count === 0 ? 0 : (100 * s.pass) / s.count;
  const revision = checkout.data.kernel_revision;
  return { checkoutId: checkout.id, tree: revision?.tree ?? "", commit: revision?.commit ?? "", kinds };
}

export interface Thresholds {
  /** Fail when a kind's count drops by more than this percentage of the baseline. */
  maxCountDropPercent: number;
  /** Fail when a kind's pass rate drops by more than this many points. */
  maxPassRateDropPoints: number;
}

export interface ComparisonRow {
  kind: NodeKind;
  baselineCount: number;
  count: number;
  countDropPercent: number;
  baselinePassRate: number;
  passRate: number;
  passRateDropPoints: number;
  regressed: boolean;
}

export interface Comparison {
  rows: ComparisonRow[];
  regressed: boolean;
  /** The Markdown table: it is the failure message when `regressed`. */
  table: string;
}

const pct = (n: number) => `${n.toFixed(1)}%`;

/** Pure: compares a summary with a baseline, kind by kind (kinds of either side). */
export function compare(
  current: PipeCleanerSummary,
  baseline: PipeCleanerSummary,
  t: Thresholds,
): Comparison {
  const present = new Set([...Object.keys(current.kinds), ...Object.keys(baseline.kinds)]);
  const rows: ComparisonRow[] = nodeKinds
    .filter((kind) => present.has(kind))
    .map((kind) => {
      const b = baseline.kinds[kind];
      const c = current.kinds[kind];
      const baselineCount = b?.count ?? 0;
      const count = c?.count ?? 0;
      const countDropPercent = baselineCount === 0 ? 0 : (100 * (baselineCount - count)) / baselineCount;
      const baselinePassRate = b?.passRate ?? 0;
      const passRate = c?.passRate ?? 0;
      const passRateDropPoints = b === undefined ? 0 : baselinePassRate - passRate;
      return {
        kind,
        baselineCount,
        count,
        countDropPercent,
        baselinePassRate,
        passRate,
        passRateDropPoints,
        regressed: countDropPercent > t.maxCountDropPercent || passRateDropPoints > t.maxPassRateDropPoints,
      };
    });
  const lines = [
    `Pipe cleaner: checkout ${current.checkoutId} (${current.tree} ${current.commit}) vs baseline checkout ${baseline.checkoutId}`,
    `Limits: count drop <= ${t.maxCountDropPercent}%, pass-rate drop <= ${t.maxPassRateDropPoints} points`,
    "",
    "| kind | baseline count | count | count drop | baseline pass rate | pass rate | pass-rate drop | verdict |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${r.baselineCount} | ${r.count} | ${pct(r.countDropPercent)} | ${pct(r.baselinePassRate)} | ${pct(r.passRate)} | ${r.passRateDropPoints.toFixed(1)} | ${r.regressed ? "REGRESSION" : "ok"} |`,
    ),
  ];
  return { rows, regressed: rows.some((r) => r.regressed), table: lines.join("\n") };
}

/** Pure: the Markdown report written next to the stack's outputs. */
export function renderReport(
  summary: PipeCleanerSummary,
  comparison: Comparison | null,
  apiUrl: string,
): string {
  const kindLines = Object.entries(summary.kinds).map(
    ([kind, s]) =>
      `| ${kind} | ${s.count} | ${s.pass} | ${s.fail} | ${s.skip} | ${s.incomplete} | ${pct(s.passRate)} |`,
  );
  return [
    `# Pipe cleaner: ${summary.tree} ${summary.commit}`,
    "",
    `Checkout node: ${apiUrl}/latest/node/${summary.checkoutId}`,
    "",
    "| kind | count | pass | fail | skip | incomplete | pass rate |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...kindLines,
    "",
    "## Verdict",
    "",
    comparison === null
      ? "No baseline yet (first pipe cleaner of this stack, no `pipeCleaner.baselineCheckout`): this run becomes the baseline."
      : `${comparison.regressed ? "**REGRESSION**" : "ok"}\n\n${comparison.table}`,
    "",
  ].join("\n");
}

export class PipeCleanerFailure extends KciError {
  constructor(message: string) {
    super("regression", message);
    this.name = "PipeCleanerFailure";
  }
}

export interface PipeCleanerRun {
  tree: string;
  commit: string;
  /** From `pipeCleaner.baselineCheckout`, or null to use `previous`. */
  baselineCheckout: string | null;
  /** The last accepted summary (kept in state); null on the first run. */
  previous: PipeCleanerSummary | null;
  thresholds: Thresholds;
  /** One deadline for both finding the checkout and waiting for its tree. */
  policy: PollPolicy;
  /** What to tell the operator to pause discovery with, if results are wrong. */
  pauseHint: string;
}

export interface PipeCleanerResult {
  summary: PipeCleanerSummary;
  baselineCheckoutId: string | null;
  verdict: "pass" | "no-baseline";
  report: string;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** The checkout node of the pushed revision, once the trigger has made it. */
function findCheckout(
  api: KernelciApi,
  run: Pick<PipeCleanerRun, "tree" | "commit">,
  policy: PollPolicy,
  clock: Clock,
): Promise<KernelciNode> {
  return pollUntil<KernelciNode, null>(
    async () => {
      const found = await api.nodes({
        kind: "checkout",
        "data.kernel_revision.tree": run.tree,
        "data.kernel_revision.commit": run.commit,
      });
      return found.length > 0 ? { done: true, value: found[0] } : { done: false, status: null };
    },
    policy,
    (_, elapsed) =>
      `Pipe cleaner: no checkout node for tree ${run.tree} commit ${run.commit} in ${api.baseUrl} after ${minutes(elapsed)}. ` +
      "The revision was pushed but the trigger has not picked it up: check that the trigger runs and watches this tree. " +
      "Nothing was compared; the deployed environment was left as it is. Run `pulumi up` again to wait longer.",
    clock,
  );
}

/** The checkout's whole node tree, once every node is done; on timeout, the ones in flight. */
function finishedTree(
  api: KernelciApi,
  checkout: KernelciNode,
  run: Pick<PipeCleanerRun, "tree" | "commit">,
  policy: PollPolicy,
  clock: Clock,
): Promise<KernelciNode[]> {
  return pollUntil<KernelciNode[], KernelciNode[]>(
    async () => {
      const nodes = await nodeTree(api, await api.node(checkout.id));
      const pending = nodes.filter((n) => n.state !== "done");
      return pending.length === 0 ? { done: true, value: nodes } : { done: false, status: pending };
    },
    policy,
    (pending, elapsed) =>
      `Pipe cleaner: checkout ${checkout.id} (${run.tree} ${run.commit}) is not done after ${minutes(elapsed)}; ` +
      `${pending.length} node(s) still in flight:\n${pending
        .slice(0, 50)
        .map((n) => `  - ${n.id} ${n.kind} ${n.name} (${n.state})`)
        .join("\n")}\n` +
      `Look at them in ${api.baseUrl}/latest/node/<id>. Nothing was compared and the baseline is unchanged; ` +
      "the deployed environment was left as it is. Run `pulumi up` again to keep waiting, or raise procedure.pipeCleaner.timeoutMinutes.",
    clock,
  );
}

/** The baseline: the summary of `baselineCheckout` when configured, else the previous one. */
async function baselineOf(
  api: KernelciApi,
  run: Pick<PipeCleanerRun, "baselineCheckout" | "previous">,
): Promise<PipeCleanerSummary | null> {
  if (run.baselineCheckout === null) return run.previous;
  const ref = await api.node(run.baselineCheckout);
  return summarize(ref, await nodeTree(api, ref));
}

/**
 * The pipe cleaner (seed 001/002): find the checkout node of the pushed revision, wait for its
 * whole node tree to be done, summarise, compare with the baseline. Throws PipeCleanerFailure
 * with the comparison table on regression and with the stuck node ids on timeout; `onReport`
 * receives the report before a regression is thrown, so the file exists either way.
 */
export async function runPipeCleaner(
  api: KernelciApi,
  run: PipeCleanerRun,
  onReport: (markdown: string) => void,
  clock: Clock = systemClock,
): Promise<PipeCleanerResult> {
  // One deadline for both waits.
  const started = clock.now();
  const remaining = (): PollPolicy => ({
    ...run.policy,
    timeoutMs: run.policy.timeoutMs - (clock.now() - started),
  });
  const checkout = await findCheckout(api, run, remaining(), clock);
  const summary = summarize(checkout, await finishedTree(api, checkout, run, remaining(), clock));
  const baseline = await baselineOf(api, run);
  const comparison = baseline === null ? null : compare(summary, baseline, run.thresholds);
  const report = renderReport(summary, comparison, api.baseUrl);
  onReport(report);
  if (comparison?.regressed) {
    throw new PipeCleanerFailure(
      `${comparison.table}\n\nThe pipe cleaner found a regression. The new version is deployed and the trigger is running; ` +
        `to stop discovering new revisions while you investigate: ${run.pauseHint}. ` +
        "Revert or fix, then run `pulumi up` again; the baseline was not replaced by this result.",
    );
  }
  return {
    summary,
    baselineCheckoutId: baseline?.checkoutId ?? null,
    verdict: comparison === null ? "no-baseline" : "pass",
    report,
  };
}

/** The `onReport` of a stack: the report written to `file` (its directory made as needed). */
export function reportFileWriter(file: string): (markdown: string) => void {
  return (markdown) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, markdown);
  };
}
