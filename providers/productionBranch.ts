import type { ProductionBranchOutputs, ProductionBranchSettings } from "../lib/release/productionBranch";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/release/productionBranch");
const engineModule = projectModule("lib/release/productionBranch");

export interface ProductionBranchInputs extends ProductionBranchSettings {
  /** The release commit, read at program time (preview shows it). */
  target: string;
  /** Whether the remote branch was at `target` when the program read it. */
  inSync: boolean;
  token: string | null;
}

type Outputs = Omit<ProductionBranchOutputs, "component" | "remote" | "branch" | "tag"> & { inSync: boolean };

export const productionBranchProvider = defineProvider<ProductionBranchInputs, Outputs>({
  type: "ProductionBranch",
  inputs: {
    component: "text",
    remote: "text",
    main: "text",
    branch: "text",
    tag: "text",
    commit: "text?",
    createTags: "boolean",
    workDir: "text",
    identity: "object",
    target: "text",
    inSync: "boolean",
    token: "string?",
  },
  outputs: {
    commit: "text",
    previous: "text?",
    tagCreated: "boolean",
    pushed: "boolean",
    inSync: "boolean",
    head: "text?",
    tagCommit: "text?",
  },
  // A new release (tag, commit, remote, branch), or a branch moved away from it, means a push.
  diff: { keys: ["remote", "branch", "tag", "target", "inSync"] },
  secrets: ["token"],
  // `read` asks the remote again as create does: the token stays in the state, encrypted.
  readSecrets: ["token"],
  id: (inputs) => `${inputs.component}:${inputs.branch}`,
  async apply(inputs) {
    const { token, ...plan } = inputs;
    const out = await loadModule<Engine>(engineModule).applyProductionBranch(
      plan,
      token ? { token } : undefined,
    );
    // In sync once pushed: the next run diffs only if the branch moves away again.
    return {
      commit: out.commit,
      previous: out.previous,
      tagCreated: out.tagCreated,
      pushed: out.pushed,
      inSync: true,
      head: out.head,
      tagCommit: out.tagCommit,
    };
  },
  // What the remote holds now: the branch's head (a hotfix pushed by hand shows as a head other
  // than `commit`) and the tag's commit. `inSync` stays as the last run left it: the program
  // compares it with the remote, and an `up` after the refresh still restores the release.
  read: (_id, { token, ...state }) =>
    loadModule<Engine>(engineModule).readProductionBranch(state, token ? { token } : undefined),
  // No delete: the branch and the tag stay on the remote, a release is history.
});

/** One component's release tag and production branch, force-pushed to exactly the tagged commit. */
export class ProductionBranch extends dynamicResource(productionBranchProvider) {}
