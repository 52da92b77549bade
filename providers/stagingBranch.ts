import * as pulumi from "@pulumi/pulumi";
import type { StagingBranchOutputs } from "../lib/staging/assemble";
import type { StagingBranchPlan } from "../lib/staging/plan";
import { loadModule, projectModule } from "./dynamic";

type Engine = typeof import("../lib/staging/assemble");
type Planning = typeof import("../lib/staging/planChange");

/**
 * The provider of StagingBranch resources. Its methods capture only the two module paths
 * (plain strings) and load the engine when they run, in the engine's provider process.
 */
export function stagingBranchProvider(
  engineModule = projectModule("lib/staging/assemble"),
  planModule = projectModule("lib/staging/planChange"),
): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds, news) {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      for (const key of ["repo", "remote", "main", "branch", "base", "workDir", "tagPrefix"]) {
        if (typeof news[key] !== "string" || news[key] === "") {
          failures.push({ property: key, reason: `${key} must be a non-empty string` });
        }
      }
      if (!Array.isArray(news.eligible))
        failures.push({ property: "eligible", reason: "eligible must be a list" });
      return { inputs: news, failures };
    },

    // Only what changes the branch's content triggers an update: new skip reasons or titles
    // are recorded without a merge or a push.
    async diff(_id, olds, news) {
      const changed = loadModule<Planning>(planModule).changedPlanKeys(olds, news);
      return { changes: changed.length > 0 };
    },

    async create(inputs) {
      const outs = await loadModule<Engine>(engineModule).applyStagingBranch(inputs, new Date());
      return { id: `${inputs.repo}:${inputs.branch}`, outs };
    },

    async update(_id, _olds, news) {
      return { outs: await loadModule<Engine>(engineModule).applyStagingBranch(news, new Date()) };
    },

    // Deleting the resource leaves the remote branch and tags alone: removing a repository
    // from the configuration must not destroy what people may still be testing.
    async delete() {},
  };
}

export interface StagingBranchArgs {
  /** What to merge, decided at program time from the forge (see planStagingBranch). */
  plan: pulumi.Input<StagingBranchPlan>;
  /** Absolute directory of the working clones. */
  workDir: string;
  /** GitHub token for pushing over HTTPS; pass a Pulumi secret. */
  token?: pulumi.Input<string>;
}

/**
 * One repository's staging branch: the trusted open PRs merged oldest first on top of main,
 * the local patches applied, tagged and force-pushed when the content changed. Preview shows
 * the PRs entering and leaving (`eligible`) and why the others stay out (`skipped`).
 */
export class StagingBranch extends pulumi.dynamic.Resource {
  declare readonly repo: pulumi.Output<string>;
  declare readonly merged: pulumi.Output<StagingBranchOutputs["merged"]>;
  declare readonly conflicts: pulumi.Output<StagingBranchOutputs["conflicts"]>;
  declare readonly head: pulumi.Output<string>;
  declare readonly tag: pulumi.Output<string | null>;
  declare readonly pushed: pulumi.Output<boolean>;

  constructor(name: string, args: StagingBranchArgs, opts?: pulumi.CustomResourceOptions) {
    const plan = pulumi.output(args.plan);
    super(
      stagingBranchProvider(),
      name,
      {
        repo: plan.repo,
        remote: plan.remote,
        main: plan.main,
        branch: plan.branch,
        base: plan.base,
        eligible: plan.eligible,
        skipped: plan.skipped,
        patches: plan.patches,
        patchesDigest: plan.patchesDigest,
        tagPrefix: plan.tagPrefix,
        tagLimit: plan.tagLimit,
        workDir: args.workDir,
        token: args.token === undefined ? undefined : pulumi.secret(args.token),
        merged: undefined,
        conflicts: undefined,
        patchesApplied: undefined,
        head: undefined,
        tag: undefined,
        pushed: undefined,
      },
      opts,
      "kernelci",
      "StagingBranch",
    );
  }
}
