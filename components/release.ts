import * as fs from "node:fs";
import * as path from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../config/load";
import type { ReleaseConfig } from "../config/release";
import { lsRemote } from "../lib/git/repo";
import { exportTree, readTreeFiles } from "../lib/git/tree";
import type { ChangeSummary } from "../lib/release/changeSummary";
import { forkHeads } from "../lib/release/forkRebase";
import { cloneDir, type ProductionBranchSettings } from "../lib/release/productionBranch";
import { componentSettings, planRelease, RELEASE_IDENTITY, remoteOf } from "../lib/release/releasePlan";
import { ForkRebase } from "../providers/forkRebase";
import { ProductionBranch } from "../providers/productionBranch";
import { ReleaseAnnouncement } from "../providers/releaseAnnouncement";
import { WebsiteBuild } from "../providers/websiteBuild";
import { MongoBackup } from "./mongoBackup";
import { Website } from "./website";

export interface ReleaseArgs {
  config: LoadedConfig & { release: ReleaseConfig };
  /** Makes a configured path absolute (relative ones are under the project). */
  resolve: (p: string) => string;
  provider: k8s.Provider;
}

type Token = pulumi.Output<string | null>;

/** The GitHub token for HTTPS remotes (null for local ones): a Pulumi secret. */
function tokenFor(config: LoadedConfig, remote: string): Token {
  return /^https:/.test(remote) ? config.secrets.apply((s) => s.githubToken ?? null) : pulumi.output(null);
}

/**
 * The release read before anything changes: each component's plan and the change summary,
 * written to the summary file (by preview too, for reviewers).
 */
export function releasePlan(args: ReleaseArgs, settings: ProductionBranchSettings[]) {
  const { config, resolve } = args;
  const release = config.release;
  const token = settings.some((s) => /^https:/.test(s.remote))
    ? config.secrets.apply((s) => s.githubToken ?? null)
    : pulumi.output(null);
  const plan = pulumi.unsecret(token.apply((t) => planRelease(settings, t ? { token: t } : undefined)));
  const file = resolve(release.summaryFile ?? `reports/release-${pulumi.getStack()}.md`);
  return plan.apply((p) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, p.summary.markdown);
    return p;
  });
}

/** The rebase of each configured fork, with both heads read at program time. */
function forkRebases(args: ReleaseArgs, parent: pulumi.Resource, after: pulumi.Resource[]): ForkRebase[] {
  const { release } = args.config;
  return release.forks.map((f) => {
    const fork = args.resolve(remoteOf(release.remoteRoot, f.name, f.fork));
    const settings = { ...f, fork, upstream: args.resolve(f.upstream) };
    const token = tokenFor(args.config, fork);
    const heads = pulumi.unsecret(token.apply((t) => forkHeads(settings, t ? { token: t } : undefined)));
    return new ForkRebase(
      `release-fork-${f.name}`,
      {
        ...settings,
        workDir: args.resolve(release.workDir),
        identity: RELEASE_IDENTITY,
        forkHead: heads.forkHead,
        upstreamHead: heads.upstreamHead,
        token,
      },
      { parent, dependsOn: after },
    );
  });
}

/** The full ref and commit `ref` names on `remote` (a branch, else a tag). */
async function resolveRef(remote: string, ref: string): Promise<{ ref: string; revision: string }> {
  const refs = await lsRemote(remote, [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/tags/${ref}^{}`]);
  for (const full of [`refs/heads/${ref}`, `refs/tags/${ref}`]) {
    const revision = refs.get(`${full}^{}`) ?? refs.get(full);
    if (revision) return { ref: full, revision };
  }
  throw new Error(`${remote} has no branch or tag ${ref} (release.website.ref)`);
}

function website(args: ReleaseArgs, parent: pulumi.Resource, after: pulumi.Resource[]): Website | undefined {
  const { release, api, kubernetes, images } = args.config;
  const w = release.website;
  if (!w) return undefined;
  const remote = args.resolve(remoteOf(release.remoteRoot, "kernelci-project", w.remote));
  const at = resolveRef(remote, w.ref);
  const built = new WebsiteBuild(
    "release-website-build",
    {
      remote,
      ref: at.then((r) => r.ref),
      revision: at.then((r) => r.revision),
      siteDir: w.siteDir,
      command: w.command ?? null,
      serverImage: w.serverImage,
      workDir: args.resolve(release.workDir),
      identity: RELEASE_IDENTITY,
      token: tokenFor(args.config, remote),
    },
    { parent, dependsOn: after },
  );
  return new Website(
    "website",
    {
      namespace: w.namespace,
      host: w.host,
      tlsIssuer: api.tlsIssuer,
      ingressClass: kubernetes.ingressClass,
      site: { revision: built.revision, context: built.context, digest: built.digest },
      image: { build: images.build, registry: images.registries[0], prefix: images.prefix },
    },
    { parent, providers: [args.provider] },
  );
}

/**
 * A production release: the change summary and its announcement check first, then each
 * component's release tag and production branch (and the forks' rebase), and the website.
 * Images, the Mongo backup and the drain come after it (index.ts).
 */
export class Release extends pulumi.ComponentResource {
  readonly summary: pulumi.Output<ChangeSummary>;
  readonly branches: ProductionBranch[];
  readonly forks: ForkRebase[];
  readonly gate?: ReleaseAnnouncement;
  readonly website?: Website;
  private readonly settings: ProductionBranchSettings[];
  private readonly plan: ReturnType<typeof releasePlan>;

  constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:release:Release", name, {}, opts);
    const { release, legacy } = args.config;
    this.settings = componentSettings(release, legacy.enabled, args.resolve);
    const plan = releasePlan(args, this.settings);
    this.plan = plan;
    this.summary = plan.summary;
    const a = release.announce;
    this.gate = a
      ? new ReleaseAnnouncement(
          `${name}-announcement`,
          {
            digest: plan.summary.digest,
            release: plan.summary.name,
            recordFile: args.resolve(
              a.recordFile ?? `.local/release-announcements/${pulumi.getStack()}.jsonl`,
            ),
            minHours: a.minHours,
            force: a.force,
          },
          { parent: this },
        )
      : undefined;
    const after = this.gate ? [this.gate] : [];
    this.branches = this.settings.map((s, i) => {
      const p = plan.plans.apply((plans) => plans[i]);
      return new ProductionBranch(
        `${name}-${s.component}`,
        {
          ...s,
          target: p.target,
          inSync: p.apply((x) => x.deployed === x.target),
          token: tokenFor(args.config, s.remote),
        },
        { parent: this, dependsOn: after },
      );
    });
    this.forks = forkRebases(args, this, after);
    this.website = website(args, this, after);
    this.registerOutputs({ summary: this.summary.markdown });
  }

  /** Component -> release commit, once its branch is pushed. */
  get commits(): pulumi.Output<Record<string, string>> {
    return pulumi
      .all(this.branches.map((b) => pulumi.all([b.component, b.commit])))
      .apply((rows) => Object.fromEntries(rows));
  }

  /** Whether `repo` is released here. */
  has(repo: string): boolean {
    return this.settings.some((s) => s.component === repo);
  }

  /** The files under `dir` of `repo` at its release commit (read before anything is pushed). */
  files(repo: string, dir: string): pulumi.Output<Record<string, string>> {
    const i = this.index(repo);
    return this.plan.plans.apply((plans) => readTreeFiles(cloneDir(this.settings[i]), plans[i].target, dir));
  }

  private index(repo: string): number {
    const i = this.settings.findIndex((s) => s.component === repo);
    if (i < 0) throw new Error(`${repo} is not a component of the release`);
    return i;
  }

  /** The release commit of `repo` written to `dir` as a build context, once its branch is pushed. */
  checkout(repo: string, dir: string): pulumi.Output<string> {
    const i = this.index(repo);
    return this.branches[i].commit.apply((commit) => exportTree(cloneDir(this.settings[i]), commit, dir));
  }
}

/** The Mongo backup of a release, after `after` (images) and before the drain. */
export function releaseBackup(
  config: LoadedConfig & { release: ReleaseConfig },
  release: Release,
  provider: k8s.Provider,
  after: pulumi.Input<pulumi.Resource>[],
): MongoBackup | undefined {
  const b = config.release.backup;
  if (!b) return undefined;
  const { api, kubernetes } = config;
  const mongoUri = config.secrets.apply((s) =>
    api.mongo.mode === "external"
      ? (s.mongoUri ?? "")
      : `mongodb://mongo.${kubernetes.namespaces.api}.svc.cluster.local:27017`,
  );
  return new MongoBackup(
    "release-backup",
    {
      namespace: kubernetes.namespaces.api,
      release: release.summary.name,
      image: b.image,
      mongoUri,
      claim: b.claim,
      size: b.size,
      storageClass: kubernetes.storageClass,
      after,
    },
    { providers: [provider] },
  );
}
