import * as pulumi from "@pulumi/pulumi";
import type { ProductionBranchOutputs, ProductionBranchSettings } from "../lib/release/productionBranch";
import { loadModule, projectModule } from "./dynamic";

export interface ProductionBranchInputs extends ProductionBranchSettings {
  /** The release commit, read at program time (preview shows it). */
  target: string;
  /** Whether the remote branch was already at `target` when the program read it. */
  inSync: boolean;
  token: string | null;
}

type Engine = typeof import("../lib/release/productionBranch");
const engineModule = projectModule("lib/release/productionBranch");

/** A new release (tag, commit, remote, branch), or a branch moved away from it, means a push. */
const pushKeys = ["remote", "branch", "tag", "target", "inSync"] as const;

async function apply(inputs: ProductionBranchInputs) {
  const { applyProductionBranch } = loadModule<Engine>(engineModule);
  const { token, ...plain } = inputs;
  const out: ProductionBranchOutputs = await applyProductionBranch(plain, token ? { token } : undefined);
  // In sync once pushed: the next run diffs only if the branch moves away again.
  return { ...plain, ...out, inSync: true };
}

export const productionBranchProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: ProductionBranchInputs) {
    const changes = pushKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0 };
  },
  async create(inputs: ProductionBranchInputs) {
    return { id: `${inputs.component}:${inputs.branch}`, outs: await apply(inputs) };
  },
  async update(_id, _olds, news: ProductionBranchInputs) {
    return { outs: await apply(news) };
  },
  // The branch and tag stay on the remote: a release is history, not something to undo.
  async delete() {},
};

/** One component's release tag and production branch, force-pushed to exactly the tagged commit. */
export class ProductionBranch extends pulumi.dynamic.Resource {
  declare readonly component: pulumi.Output<string>;
  declare readonly commit: pulumi.Output<string>;
  declare readonly tag: pulumi.Output<string>;
  declare readonly previous: pulumi.Output<string | null>;
  declare readonly pushed: pulumi.Output<boolean>;

  constructor(
    name: string,
    args: { [K in keyof ProductionBranchInputs]: pulumi.Input<ProductionBranchInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const token = args.token === null ? null : pulumi.secret(args.token);
    super(
      productionBranchProvider,
      name,
      { previous: undefined, tagCreated: undefined, pushed: undefined, ...args, token },
      opts,
      "kernelci",
      "ProductionBranch",
    );
  }
}
