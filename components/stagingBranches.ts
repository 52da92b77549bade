import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StagingConfig } from "../config/staging";
import { createForge } from "../lib/forge";
import type { Forge } from "../lib/forge/types";
import { exportTree, readTreeFiles } from "../lib/git/tree";
import { projectRoot } from "../lib/project";
import { planStagingBranch, type StagingBranchPlan, stagingSettings } from "../lib/staging/plan";
import { StagingBranch } from "../providers/stagingBranch";

/**
 * The plan of every configured repository, asked from the forge while the program runs: the
 * eligible PRs with their heads and the skipped ones with reasons become resource inputs.
 */
export async function planStagingBranches(
  config: StagingConfig,
  forge: Forge,
  now: Date,
  root = projectRoot,
): Promise<StagingBranchPlan[]> {
  return Promise.all(
    config.repos.map(
      async (repo) => (await planStagingBranch(stagingSettings(config, repo, root), forge, now)).plan,
    ),
  );
}

export interface StagingBranchesArgs {
  config: StagingConfig;
  /** The GitHub token (a secret); used to list PRs and to push, never exported. */
  githubToken?: pulumi.Input<string | undefined>;
  /** When the eligibility is judged (staleness); now by default. */
  now?: Date;
}

/** A StagingBranch per configured repository, and their heads for what builds from them. */
export class StagingBranches extends pulumi.ComponentResource {
  readonly branches: Record<string, StagingBranch>;
  /** repo -> head commit of its staging branch (images and config maps take these). */
  readonly heads: pulumi.Output<Record<string, string>>;
  private readonly workDir: string;

  constructor(name: string, args: StagingBranchesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:staging:StagingBranches", name, {}, opts);
    const { config } = args;
    const github = config.forge.kind === "github";
    const token = github ? pulumi.output(args.githubToken) : undefined;
    // The plans hold no secret: unwrapping the token here keeps them readable in preview.
    const plans = pulumi
      .unsecret(pulumi.output(token))
      .apply((t) =>
        planStagingBranches(config, createForge(config.forge, projectRoot, t), args.now ?? new Date()),
      );
    this.workDir = path.resolve(projectRoot, config.workDir);
    this.branches = {};
    config.repos.forEach((repo, i) => {
      this.branches[repo.name] = new StagingBranch(
        repo.name,
        {
          plan: plans.apply((p) => p[i]),
          workDir: this.workDir,
          token: token?.apply((t) => t ?? ""),
        },
        { parent: this },
      );
    });
    this.heads = pulumi
      .all(Object.entries(this.branches).map(([repo, b]) => b.head.apply((head) => [repo, head] as const)))
      .apply((pairs) => Object.fromEntries(pairs));
    this.registerOutputs({ heads: this.heads });
  }

  /** The files under `dir` of a repository's staging head, read from its working clone. */
  files(repo: string, dir: string): pulumi.Output<Record<string, string>> {
    return this.head(repo).apply((head) => readTreeFiles(path.join(this.workDir, repo), head, dir));
  }

  /** The tree of a repository's staging head written to `destDir` (a build context). */
  checkout(repo: string, destDir: string): pulumi.Output<string> {
    return this.head(repo).apply((head) => exportTree(path.join(this.workDir, repo), head, destDir));
  }

  private head(repo: string): pulumi.Output<string> {
    const branch = this.branches[repo];
    if (!branch) throw new Error(`No staging branch for ${repo}: add it to kernelci:staging.repos`);
    return branch.head;
  }
}
