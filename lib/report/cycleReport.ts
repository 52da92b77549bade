/**
 * The report of one `pulumi up` (a staging cycle, a production update) for a job summary and an
 * artifact, read from the stack's state before and after it (`pulumi stack export`): which PRs
 * the staging branches merged, the images deployed, the workloads rolled out, the kernel test
 * revision and the pipe cleaner's counts.
 */
import type { ImageOutput } from "../../components/images";
import type { PipeCleanerSummary } from "../kernelci/pipeCleaner";
import type { StagingBranchOutputs } from "../staging/assemble";

/** A resource of `pulumi stack export` (the fields the report reads). */
export interface StateResource {
  urn: string;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: state outputs of any resource type
  outputs?: Record<string, any>;
}

/** The program's stack outputs the report reads (index.ts). */
interface StackOutputs {
  images?: Record<string, ImageOutput>;
  pipeCleaner?: PipeCleanerSummary;
  kernelTestRevision?: { tree: string; branch: string; commit: string; tag: string };
}

/** The resources of a `pulumi stack export` document; an error names what is wrong with it. */
export function stateResources(exported: unknown, source: string): StateResource[] {
  const resources = (exported as { deployment?: { resources?: unknown } })?.deployment?.resources;
  if (resources === undefined) return []; // a stack never deployed exports no resources
  if (!Array.isArray(resources))
    throw new Error(`${source}: not a pulumi stack export (deployment.resources)`);
  return resources as StateResource[];
}

/** Operations the engine started and never saw finish (`pulumi up` was interrupted). */
export function pendingOperations(exported: unknown): string[] {
  const pending = (exported as { deployment?: { pending_operations?: unknown } })?.deployment
    ?.pending_operations;
  if (!Array.isArray(pending)) return [];
  return pending.map(
    (p: { type?: string; resource?: { urn?: string } }) =>
      `${p.type ?? "operation"} of ${p.resource?.urn ?? "?"}`,
  );
}

const workloadTypes = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];

/** Workloads whose pod template changed (or that are new): those pods were replaced. */
export function rollouts(before: StateResource[], after: StateResource[]): string[] {
  const old = new Map(before.map((r) => [r.urn, JSON.stringify(r.outputs?.spec?.template ?? null)]));
  return after
    .filter((r) => workloadTypes.includes(r.type))
    .filter((r) => old.get(r.urn) !== JSON.stringify(r.outputs?.spec?.template ?? null))
    .map((r) => {
      const meta = r.outputs?.metadata ?? {};
      return `${r.type.split(":").pop()} ${meta.namespace}/${meta.name}${old.has(r.urn) ? "" : " (new)"}`;
    })
    .sort();
}

const short = (sha: unknown) => (typeof sha === "string" ? `\`${sha.slice(0, 12)}\`` : "–");

function stagingSection(after: StateResource[]): string[] {
  const branches = after
    .filter((r) => r.type.endsWith(":StagingBranch"))
    .map((r) => (r.outputs ?? {}) as Partial<StagingBranchOutputs>);
  if (branches.length === 0) return [];
  const rows = branches.map((b) => {
    const merged = (b.merged ?? []).map((m) => `#${m.number}`).join(" ") || "none";
    const conflicts = (b.conflicts ?? []).map((c) => `#${c.number}`).join(" ") || "none";
    return `| ${b.repo} | ${short(b.head)} | ${b.tag ?? "–"}${b.pushed ? " (pushed)" : ""} | ${merged} | ${conflicts} |`;
  });
  return [
    "### Staging branches",
    "",
    "| repository | head | tag | merged PRs | conflicting PRs (left out) |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ];
}

function imagesSection(outputs: StackOutputs): string[] {
  const images = Object.entries(outputs.images ?? {});
  if (images.length === 0) return [];
  return [
    "### Images",
    "",
    "| image | reference | built from |",
    "| --- | --- | --- |",
    ...images.map(([name, i]) => {
      const source = i.source ? `${i.source.repo} ${short(i.source.revision)}` : "–";
      return `| ${name} | \`${i.reference}\` | ${source} |`;
    }),
    "",
  ];
}

function pipeCleanerSection(outputs: StackOutputs): string[] {
  const revision = outputs.kernelTestRevision;
  const summary = outputs.pipeCleaner;
  const lines = ["### Kernel test revision and pipe cleaner", ""];
  lines.push(
    revision
      ? `Kernel test revision: ${revision.tree} \`${revision.tag}\` on ${revision.branch} (${short(revision.commit)}).`
      : "No kernel test revision this time (partial cycle, or nothing to test).",
  );
  if (!summary) return [...lines, "Pipe cleaner: not run.", ""];
  const kinds = Object.entries(summary.kinds ?? {});
  return [
    ...lines,
    `Pipe cleaner: passed for checkout ${summary.checkoutId} (${summary.tree} ${short(summary.commit)}).`,
    "",
    "| kind | count | pass rate |",
    "| --- | --- | --- |",
    ...kinds.map(([kind, k]) => `| ${kind} | ${k.count} | ${Number(k.passRate).toFixed(1)}% |`),
    "",
  ];
}

const outputsOf = (resources: StateResource[], suffix: string) =>
  resources.find((r) => r.type.endsWith(suffix))?.outputs;

/**
 * What a failed update left behind, for the operator: whether the pipeline is still drained
 * (the Drain ran this time, the TriggerResume did not), and the operations left pending.
 */
export function failureState(before: StateResource[], after: StateResource[], pending: string[]): string {
  const drainedNow = outputsOf(after, ":Drain")?.drainedAt;
  const resumedNow = outputsOf(after, ":TriggerResume")?.resumedAt;
  const trigger = outputsOf(after, ":Drain")?.trigger;
  const paused =
    drainedNow !== undefined &&
    drainedNow !== outputsOf(before, ":Drain")?.drainedAt &&
    resumedNow === outputsOf(before, ":TriggerResume")?.resumedAt;
  return [
    "### The update FAILED: state left behind",
    "",
    paused
      ? `- The pipeline was drained at ${drainedNow} and the trigger (${trigger?.namespace}/${trigger?.name}) is still scaled to 0: ` +
        "no new kernel revision is picked up until `pulumi up` completes. Fix the cause and run the workflow again (it resumes the trigger), " +
        "or roll back (README, Operating)."
      : "- The trigger was not paused by this update (no drain ran, or it was resumed).",
    "- Workloads rolled out before the failure are listed under Rollouts; the others still run the previous release.",
    ...(pending.length
      ? [`- Operations left pending (run \`pulumi refresh\` before retrying): ${pending.join("; ")}`]
      : ["- No operation was left pending."]),
    "",
  ].join("\n");
}

/** The Markdown report of one update of `stack`. */
export function cycleReport(stack: string, before: StateResource[], after: StateResource[]): string {
  const outputs: StackOutputs = after.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  const rolled = rollouts(before, after);
  return [
    `## ${stack}: what this update did`,
    "",
    ...stagingSection(after),
    ...imagesSection(outputs),
    "### Rollouts",
    "",
    ...(rolled.length ? rolled.map((r) => `- ${r}`) : ["None: no pod template changed."]),
    "",
    ...pipeCleanerSection(outputs),
  ].join("\n");
}
