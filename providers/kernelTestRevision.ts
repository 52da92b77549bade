import * as pulumi from "@pulumi/pulumi";
import { loadModule, projectModule } from "./dynamic";

export interface KernelTestRevisionInputs {
  /** What this revision tests (a digest of the rollout): a new one is pushed when it changes. */
  cycleKey: string;
  remote: string;
  trees: { name: string; url: string; branch: string }[];
  branchPrefix: string;
  tagLimit: number;
  patchesRoot: string | null;
  workDir: string;
  identity: { name: string; email: string };
  /** Token for an HTTPS remote (GitHub), or null for a local or SSH remote. */
  gitToken: string | null;
}

type Args = { [K in keyof KernelTestRevisionInputs]: pulumi.Input<KernelTestRevisionInputs[K]> };

const engineModule = projectModule("lib/kernel/testRevision");

/** Inputs whose change means a new revision; tag limit, work dir and identity do not. */
const revisionKeys = ["cycleKey", "remote", "trees", "branchPrefix"] as const;

async function push(inputs: KernelTestRevisionInputs, previousTree: string | null) {
  const { nextTree, pushTestRevision } =
    loadModule<typeof import("../lib/kernel/testRevision")>(engineModule);
  const tree = nextTree(inputs.trees, previousTree);
  const revision = await pushTestRevision({
    tree,
    remote: inputs.remote,
    branch: `${inputs.branchPrefix}${tree.name}`,
    patchesRoot: inputs.patchesRoot,
    tagLimit: inputs.tagLimit,
    workDir: inputs.workDir,
    identity: inputs.identity,
    auth: inputs.gitToken ? { token: inputs.gitToken } : undefined,
    now: new Date(),
  });
  const { gitToken: _token, ...plain } = inputs;
  return { ...plain, ...revision };
}

export const kernelTestRevisionProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: KernelTestRevisionInputs) {
    const changes = revisionKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: KernelTestRevisionInputs) {
    const outs = await push(inputs, null);
    return { id: `kernel-test-revision-${inputs.branchPrefix}`, outs };
  },
  async update(_id, olds: { tree?: string }, news: KernelTestRevisionInputs) {
    // Staging rotates trees: the one after the tree tested last time.
    return { outs: await push(news, olds.tree ?? null) };
  },
};

/**
 * A kernel test revision pushed to the KernelCI linux repository (legacy kernel.py): upstream
 * branch + local patches + a commit recording the tag, annotated tag, force-push, tag pruning.
 * The tree is chosen when it runs (rotation), so `preview` shows the update, not the tree.
 */
export class KernelTestRevision extends pulumi.dynamic.Resource {
  declare readonly tree: pulumi.Output<string>;
  declare readonly branch: pulumi.Output<string>;
  declare readonly commit: pulumi.Output<string>;
  declare readonly tag: pulumi.Output<string>;
  declare readonly upstreamCommit: pulumi.Output<string>;

  constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
    super(
      kernelTestRevisionProvider,
      name,
      {
        tree: undefined,
        branch: undefined,
        commit: undefined,
        tag: undefined,
        upstreamCommit: undefined,
        ...args,
      },
      opts,
      "kernelci",
      "KernelTestRevision",
    );
  }
}
