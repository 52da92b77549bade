import type { TestRevision } from "../lib/kernel/testRevision";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/kernel/testRevision");
type Git = typeof import("../lib/git/branchHead");
const engineModule = projectModule("lib/kernel/testRevision");
const gitModule = projectModule("lib/git/branchHead");

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

export const kernelTestRevisionProvider = defineProvider<KernelTestRevisionInputs, TestRevision>({
  type: "KernelTestRevision",
  inputs: {
    cycleKey: "text",
    remote: "text",
    trees: "list",
    branchPrefix: "string",
    tagLimit: "number",
    patchesRoot: "text?",
    workDir: "text",
    identity: "object",
    gitToken: "string?",
  },
  outputs: {
    tree: "text",
    branch: "text",
    commit: "text",
    tag: "text",
    upstreamCommit: "text",
    pruned: "list",
  },
  // Tag limit, work dir and identity do not mean a new revision.
  diff: { keys: ["cycleKey", "remote", "trees", "branchPrefix"] },
  secrets: ["gitToken"],
  id: (inputs) => `kernel-test-revision-${inputs.branchPrefix}`,
  async apply(inputs, previous) {
    const { nextTree, pushTestRevision } = loadModule<Engine>(engineModule);
    // Staging rotates trees: the one after the tree tested last time.
    const tree = nextTree(inputs.trees, previous?.tree ?? null);
    const { remote, patchesRoot, tagLimit, workDir, identity, gitToken } = inputs;
    return pushTestRevision({
      ...{ tree, remote, patchesRoot, tagLimit, workDir, identity },
      branch: `${inputs.branchPrefix}${tree.name}`,
      auth: gitToken ? { token: gitToken } : undefined,
      now: new Date(),
    });
  },
  // Refresh sees the test branch moved or deleted outside (commit null: no such branch any more).
  read: async (_id, state) => ({
    commit: await loadModule<Git>(gitModule).branchHead(state.remote ?? "", state.branch ?? ""),
  }),
});

/**
 * A kernel test revision pushed to the KernelCI linux repository (legacy kernel.py): upstream
 * branch + local patches + a commit recording the tag, annotated tag, force-push, tag pruning.
 * The tree is chosen when it runs (rotation), so `preview` shows the update, not the tree.
 */
export class KernelTestRevision extends dynamicResource(kernelTestRevisionProvider) {}
