import * as pulumi from "@pulumi/pulumi";
import type { StagingBranchInputs, StagingBranchOutputs } from "../lib/staging/assemble";
import { planDiff, type StagingBranchPlan } from "../lib/staging/plan";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/staging/assemble");
type Git = typeof import("../lib/git/branchHead");
const engineModule = projectModule("lib/staging/assemble");
const gitModule = projectModule("lib/git/branchHead");

export const stagingBranchProvider = defineProvider<
  StagingBranchInputs,
  Omit<StagingBranchOutputs, keyof StagingBranchPlan>
>({
  type: "StagingBranch",
  inputs: {
    repo: "text",
    remote: "text",
    main: "text",
    branch: "text",
    base: "text",
    eligible: "list",
    skipped: "list",
    trustedFrom: "text?",
    patches: "text?",
    patchesDigest: "text",
    tagPrefix: "text",
    tagLimit: "number",
    workDir: "text",
    token: "string?",
  },
  outputs: {
    merged: "list",
    conflicts: "list",
    patchesApplied: "list",
    head: "text",
    tag: "text?",
    pushed: "boolean",
  },
  // Only what changes the branch's content triggers an update: new skip reasons or titles are
  // recorded without a merge or a push.
  diff: planDiff,
  secrets: ["token"],
  id: (inputs) => `${inputs.repo}:${inputs.branch}`,
  apply: (inputs) => loadModule<Engine>(engineModule).applyStagingBranch(inputs, new Date()),
  // Refresh sees the branch moved or deleted outside (head null: no such branch any more).
  read: async (_id, state) => ({
    head: await loadModule<Git>(gitModule).branchHead(state.remote ?? "", state.branch ?? ""),
  }),
  // No delete: removing a repository from the configuration must not destroy the remote branch
  // and tags people may still be testing.
});

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
export class StagingBranch extends dynamicResource(stagingBranchProvider) {
  constructor(name: string, args: StagingBranchArgs, opts?: pulumi.CustomResourceOptions) {
    const plan = pulumi.output(args.plan);
    const { repo, remote, main, branch, base, eligible, skipped, trustedFrom, patches, patchesDigest } = plan;
    const { tagPrefix, tagLimit } = plan;
    const { workDir, token } = args;
    super(
      name,
      {
        repo,
        remote,
        main,
        branch,
        base,
        eligible,
        skipped,
        trustedFrom,
        patches,
        patchesDigest,
        tagPrefix,
        tagLimit,
        workDir,
        token,
      },
      opts,
    );
  }
}
