import type { PipeCleanerSummary } from "../lib/kernelci/pipeCleaner";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/kernelci/pipeCleaner");
type Api = typeof import("../lib/kernelci/api");
type Poll = typeof import("../lib/poll");
const engineModule = projectModule("lib/kernelci/pipeCleaner");
const apiModule = projectModule("lib/kernelci/api");
const pollModule = projectModule("lib/poll");

export interface PipeCleanerInputs {
  apiUrl: string;
  apiToken: string;
  apiTimeoutMs: number;
  /** The pushed test revision: the checkout node is found by these. */
  tree: string;
  branch: string;
  commit: string;
  baselineCheckout: string | null;
  maxCountDropPercent: number;
  maxPassRateDropPoints: number;
  timeoutMinutes: number;
  poll: { initialSeconds: number; maxSeconds: number };
  /** Absolute path of the Markdown report. */
  reportFile: string;
  /** How to pause discovery, told to the operator on a regression. */
  pauseHint: string;
}

export interface PipeCleanerOutputs {
  checkoutId: string;
  summary: PipeCleanerSummary;
  verdict: "pass" | "no-baseline";
  baselineCheckoutId: string | null;
}

export const pipeCleanerProvider = defineProvider<PipeCleanerInputs, PipeCleanerOutputs>({
  type: "PipeCleaner",
  inputs: {
    apiUrl: "text",
    apiToken: "string",
    apiTimeoutMs: "number",
    tree: "text",
    branch: "text",
    commit: "text",
    baselineCheckout: "text?",
    maxCountDropPercent: "number",
    maxPassRateDropPoints: "number",
    timeoutMinutes: "number",
    poll: "object",
    reportFile: "text",
    pauseHint: "text",
  },
  outputs: { checkoutId: "text", summary: "object", verdict: "text", baselineCheckoutId: "text?" },
  // A new verdict is needed when the revision, the baseline or the limits change.
  diff: {
    keys: ["tree", "branch", "commit", "baselineCheckout", "maxCountDropPercent", "maxPassRateDropPoints"],
  },
  secrets: ["apiToken"],
  id: (inputs) => `pipe-cleaner-${inputs.branch}`,
  async apply(inputs, previous) {
    const { runPipeCleaner, reportFileWriter } = loadModule<Engine>(engineModule);
    const { apiUrl: baseUrl, apiToken: token, apiTimeoutMs: timeoutMs } = inputs;
    const { tree, commit, baselineCheckout, pauseHint, maxCountDropPercent, maxPassRateDropPoints } = inputs;
    const result = await runPipeCleaner(
      loadModule<Api>(apiModule).kernelciApi({ baseUrl, token, timeoutMs }),
      {
        ...{ tree, commit, baselineCheckout, pauseHint },
        // The last accepted result is the baseline; a regression throws, so it never replaces it.
        previous: previous?.summary ?? null,
        thresholds: { maxCountDropPercent, maxPassRateDropPoints },
        policy: loadModule<Poll>(pollModule).pollPolicy(inputs.poll, inputs.timeoutMinutes),
      },
      reportFileWriter(inputs.reportFile),
    );
    const { summary, verdict, baselineCheckoutId } = result;
    return { checkoutId: summary.checkoutId, summary, verdict, baselineCheckoutId };
  },
});

/**
 * The pipe cleaner's verdict on a pushed test revision (seed 001): waits for the checkout's
 * node tree, compares counts and pass rates with the baseline, and fails `up` on regression
 * with the comparison table.
 */
export class PipeCleaner extends dynamicResource(pipeCleanerProvider) {}
