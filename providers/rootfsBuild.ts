import * as pulumi from "@pulumi/pulumi";
import { loadModule, projectModule } from "./dynamic";

export interface RootfsBuildInputs {
  github: { owner: string; repo: string; workflow: string; ref: string; apiUrl?: string };
  githubToken: string;
  variants: { name: string; arches: string[] }[];
  urlTemplate: string;
  /** A version asked for explicitly (YYYYMMDD.N), or null to number the next one. */
  requestedVersion: string | null;
  /** Digest of the recipes: a change builds new images. */
  recipesDigest: string | null;
  timeoutMinutes: number;
  poll: { initialSeconds: number; maxSeconds: number };
}

type Args = { [K in keyof RootfsBuildInputs]: pulumi.Input<RootfsBuildInputs[K]> };

const rootfsModule = projectModule("lib/kernelci/rootfs");
const actionsModule = projectModule("lib/actions/workflowRun");
const pollModule = projectModule("lib/poll");

/** A build runs only when what it builds changes; timeouts and the token do not count. */
const buildKeys = ["github", "variants", "urlTemplate", "requestedVersion", "recipesDigest"] as const;

async function build(
  inputs: RootfsBuildInputs,
  olds: { versions?: string[]; urls?: Record<string, string> },
) {
  const { nextRootfsVersion, rootfsUrls } = loadModule<typeof import("../lib/kernelci/rootfs")>(rootfsModule);
  const { dispatchAndWait } = loadModule<typeof import("../lib/actions/workflowRun")>(actionsModule);
  const { pollPolicy } = loadModule<typeof import("../lib/poll")>(pollModule);
  const versions = olds.versions ?? [];
  const version = inputs.requestedVersion ?? nextRootfsVersion(new Date(), versions);
  let run: { url: string; runId: number };
  try {
    run = await dispatchAndWait(
      inputs.github,
      { version, variants: JSON.stringify(inputs.variants) },
      inputs.githubToken,
      pollPolicy(inputs.poll, inputs.timeoutMinutes),
    );
  } catch (error) {
    const kept = olds.urls ? Object.values(olds.urls) : [];
    throw new Error(
      `Rootfs build ${version} failed: ${error instanceof Error ? error.message : String(error)}\n` +
        (kept.length > 0
          ? `The previous images stay in use (outputs unchanged):\n${kept.map((u) => `  - ${u}`).join("\n")}`
          : "No previous images exist; nothing downstream was changed."),
    );
  }
  const { githubToken: _token, ...plain } = inputs;
  return {
    ...plain,
    version,
    versions: [...versions, version].slice(-50),
    urls: rootfsUrls(inputs.urlTemplate, version, inputs.variants),
    runUrl: run.url,
    runId: run.runId,
  };
}

export const rootfsBuildProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: RootfsBuildInputs) {
    const changes = buildKeys.filter(
      (k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null),
    );
    return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: RootfsBuildInputs) {
    return { id: `rootfs-${inputs.github.owner}-${inputs.github.repo}`, outs: await build(inputs, {}) };
  },
  async update(_id, olds: { versions?: string[]; urls?: Record<string, string> }, news: RootfsBuildInputs) {
    // On failure this throws: the engine keeps the previous outputs, so the old URLs stay.
    return { outs: await build(news, olds) };
  },
};

/**
 * Rootfs images built by kernelci-core's workflow (seed 001/002): version `YYYYMMDD.N`, the
 * exact dispatched run followed to its conclusion, image URLs as outputs.
 */
export class RootfsBuild extends pulumi.dynamic.Resource {
  declare readonly version: pulumi.Output<string>;
  declare readonly urls: pulumi.Output<Record<string, string>>;
  declare readonly runUrl: pulumi.Output<string>;

  constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
    super(
      rootfsBuildProvider,
      name,
      { version: undefined, urls: undefined, runUrl: undefined, ...args },
      opts,
      "kernelci",
      "RootfsBuild",
    );
  }
}
