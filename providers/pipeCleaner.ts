import * as pulumi from "@pulumi/pulumi";
import type { PipeCleanerSummary } from "../lib/kernelci/pipeCleaner";
import { loadModule, projectModule } from "./dynamic";

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

type Args = { [K in keyof PipeCleanerInputs]: pulumi.Input<PipeCleanerInputs[K]> };

const pipeCleanerModule = projectModule("lib/kernelci/pipeCleaner");
const apiModule = projectModule("lib/kernelci/api");
const pollModule = projectModule("lib/poll");

/** A new verdict is needed when the revision, the baseline or the limits change. */
const verdictKeys = [
  "tree",
  "branch",
  "commit",
  "baselineCheckout",
  "maxCountDropPercent",
  "maxPassRateDropPoints",
] as const;

async function judge(inputs: PipeCleanerInputs, previous: PipeCleanerSummary | null) {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const { runPipeCleaner } = loadModule<typeof import("../lib/kernelci/pipeCleaner")>(pipeCleanerModule);
  const { kernelciApi } = loadModule<typeof import("../lib/kernelci/api")>(apiModule);
  const { pollPolicy } = loadModule<typeof import("../lib/poll")>(pollModule);
  const result = await runPipeCleaner(
    kernelciApi({ baseUrl: inputs.apiUrl, token: inputs.apiToken, timeoutMs: inputs.apiTimeoutMs }),
    {
      tree: inputs.tree,
      commit: inputs.commit,
      baselineCheckout: inputs.baselineCheckout,
      previous,
      thresholds: {
        maxCountDropPercent: inputs.maxCountDropPercent,
        maxPassRateDropPoints: inputs.maxPassRateDropPoints,
      },
      policy: pollPolicy(inputs.poll, inputs.timeoutMinutes),
      pauseHint: inputs.pauseHint,
    },
    (markdown) => {
      fs.mkdirSync(path.dirname(inputs.reportFile), { recursive: true });
      fs.writeFileSync(inputs.reportFile, markdown);
    },
  );
  const { apiToken: _token, ...plain } = inputs;
  return {
    ...plain,
    checkoutId: result.summary.checkoutId,
    summary: result.summary,
    verdict: result.verdict,
    baselineCheckoutId: result.baselineCheckoutId,
  };
}

export const pipeCleanerProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: PipeCleanerInputs) {
    const changes = verdictKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: PipeCleanerInputs) {
    return { id: `pipe-cleaner-${inputs.branch}`, outs: await judge(inputs, null) };
  },
  async update(_id, olds: { summary?: PipeCleanerSummary }, news: PipeCleanerInputs) {
    // The last accepted result is the baseline; a regression throws, so it never replaces it.
    return { outs: await judge(news, olds.summary ?? null) };
  },
};

/**
 * The pipe cleaner's verdict on a pushed test revision (seed 001): waits for the checkout's
 * node tree, compares counts and pass rates with the baseline, and fails `up` on regression
 * with the comparison table.
 */
export class PipeCleaner extends pulumi.dynamic.Resource {
  /** The judged revision's commit (an input, echoed). */
  declare readonly commit: pulumi.Output<string>;
  declare readonly checkoutId: pulumi.Output<string>;
  declare readonly summary: pulumi.Output<PipeCleanerSummary>;
  declare readonly verdict: pulumi.Output<"pass" | "no-baseline">;
  declare readonly baselineCheckoutId: pulumi.Output<string | null>;
  declare readonly reportFile: pulumi.Output<string>;

  constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
    super(
      pipeCleanerProvider,
      name,
      {
        checkoutId: undefined,
        summary: undefined,
        verdict: undefined,
        baselineCheckoutId: undefined,
        ...args,
      },
      opts,
      "kernelci",
      "PipeCleaner",
    );
  }
}
