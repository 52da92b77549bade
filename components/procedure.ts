import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../config/load";
import { seedRevision } from "../lib/jenkins/seedRevision";
import { digestDirectory } from "../lib/kernelci/rootfs";
import type { ScalerSpec } from "../lib/kernelci/scale";
import { resolveLocation } from "../lib/project";
import { Drain, TriggerResume } from "../providers/drain";
import { JenkinsSeed } from "../providers/jenkinsSeed";
import { KernelTestRevision } from "../providers/kernelTestRevision";
import { PipeCleaner } from "../providers/pipeCleaner";
import { RootfsBuild } from "../providers/rootfsBuild";

/**
 * The update procedure around the environment's rollout, ordered by dependsOn and outputs
 * (never by sleeps):
 *
 *   production: Drain -> (environment: API, pipeline, trigger last) -> TriggerResume
 *               -> KernelTestRevision -> PipeCleaner verdict
 *   staging:    (staging branches -> images -> deployments) -> in a full cycle only:
 *               KernelTestRevision -> PipeCleaner
 *   legacy:     (Jenkins ready) -> JenkinsSeed, when the kernelci-jenkins revision changed
 *
 * `beforeRollout` returns what the environment must wait for (`rolloutAfter`);
 * `afterRollout` takes the environment as its dependency (and `beforeRollout`'s result, to
 * resume what the drain paused).
 */

/**
 * A digest of what a rollout deploys: the stack's configuration (without the procedure's own
 * settings and without secrets) plus `extra` values the caller knows (staging branch heads,
 * image digests). The drain and the kernel test revision run again only when it changes.
 */
export function rolloutKey(config: LoadedConfig, extra: pulumi.Input<string>[] = []): pulumi.Output<string> {
  // The GitHub side (webhooks, teams, Actions secrets) changes nothing the pipeline runs.
  // Release settings reach the key through `extra` (its commits, the backup): announcement
  // settings alone never start a drain.
  const {
    procedure: _procedure,
    secrets: _secrets,
    labTokens: _labTokens,
    release: _release,
    actionsSecrets: _actionsSecrets,
    github: _github,
    ...deployed
  } = config;
  return pulumi
    .all(extra)
    .apply((values) =>
      createHash("sha256").update(JSON.stringify(deployed)).update(JSON.stringify(values)).digest("hex"),
    );
}

function apiSettings(config: LoadedConfig) {
  const p = config.procedure;
  return {
    apiUrl: p.kernelciApiUrl as string,
    apiToken: config.secrets.apply((s) => s.apiToken),
    apiTimeoutMs: p.apiTimeoutSeconds * 1000,
    poll: p.poll,
  };
}

function jenkinsUrl(config: LoadedConfig): string | null {
  return config.legacy.enabled ? (config.legacy.jenkinsUrl ?? `https://${config.legacy.jenkinsHost}`) : null;
}

function triggerScaler(config: LoadedConfig): ScalerSpec {
  const { context, renderDir } = config.kubernetes;
  if (context !== undefined) return { kind: "kubectl", context };
  // Rendered manifests only (local stack): the pause is recorded next to them.
  return { kind: "record", file: `${resolveLocation(renderDir as string)}-operations/trigger-scale.jsonl` };
}

/**
 * The parent of the procedure's steps. Steps created before this parent existed were at the
 * stack's root: the alias keeps them (and their state) where they are.
 */
export class UpdateProcedure extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:procedure:UpdateProcedure", name, {}, opts);
    this.registerOutputs({});
  }
}

function stepOptions(
  parent: pulumi.Resource | undefined,
  dependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>,
) {
  return { parent, dependsOn, aliases: [{ parent: pulumi.rootStackResource }] };
}

export interface BeforeRollout {
  drain?: Drain;
  rootfs?: RootfsBuild;
  /** Give these to the environment: no Deployment changes before they are done. */
  rolloutAfter: pulumi.Resource[];
}

/** Production's drain: trigger paused, legacy bisections cancelled, nodes in flight waited for. */
export function createDrain(
  name: string,
  config: LoadedConfig,
  key: pulumi.Input<string>,
  parent?: pulumi.Resource,
) {
  const p = config.procedure;
  const url = jenkinsUrl(config);
  const legacy =
    url === null
      ? null
      : config.secrets.apply((s) => ({
          url,
          user: p.jenkinsSeed.user,
          token: s.jenkinsAdminPassword ?? "",
          bisectionJob: p.drain.bisectionJob,
        }));
  return new Drain(
    `${name}-drain`,
    {
      ...apiSettings(config),
      rolloutKey: key,
      trigger: { namespace: config.kubernetes.namespaces.pipeline, name: p.drain.triggerDeployment },
      scaler: triggerScaler(config),
      windowHours: p.drain.recentHours,
      timeoutMinutes: p.drain.timeoutMinutes,
      force: p.drain.force,
      legacy,
    },
    stepOptions(parent),
  );
}

/** The rootfs images, built when a version is requested or the recipes change. */
export function createRootfsBuild(
  name: string,
  config: LoadedConfig,
  rootfs: NonNullable<LoadedConfig["procedure"]["rootfs"]>,
  parent?: pulumi.Resource,
) {
  const githubToken = config.secrets.apply((s) => {
    if (!s.githubToken)
      throw new Error("kernelci:secrets.githubToken is required by procedure.rootfs.enabled");
    return s.githubToken;
  });
  return new RootfsBuild(
    `${name}-rootfs`,
    {
      github: rootfs.github,
      githubToken,
      variants: rootfs.variants,
      urlTemplate: rootfs.urlTemplate,
      requestedVersion: rootfs.requestedVersion ?? null,
      recipesDigest: rootfs.recipesDir ? digestDirectory(resolveLocation(rootfs.recipesDir)) : null,
      timeoutMinutes: rootfs.timeoutMinutes,
      poll: config.procedure.poll,
    },
    stepOptions(parent),
  );
}

export function beforeRollout(
  name: string,
  config: LoadedConfig,
  key: pulumi.Input<string>,
  parent?: pulumi.Resource,
): BeforeRollout {
  const p = config.procedure;
  const drain = p.drain.enabled ? createDrain(name, config, key, parent) : undefined;
  const rootfs = p.rootfs?.enabled ? createRootfsBuild(name, config, p.rootfs, parent) : undefined;
  return { drain, rootfs, rolloutAfter: drain ? [drain] : [] };
}

export interface AfterRollout {
  resume?: TriggerResume;
  jenkinsSeed?: JenkinsSeed;
  revision?: KernelTestRevision;
  pipeCleaner?: PipeCleaner;
}

/** The trigger back once everything else is updated, even when its own manifest did not change. */
export function createTriggerResume(
  name: string,
  config: LoadedConfig,
  drain: Drain,
  environment: pulumi.Input<pulumi.Resource>[],
  parent?: pulumi.Resource,
) {
  return new TriggerResume(
    `${name}-trigger-resume`,
    {
      drainedAt: drain.drainedAt,
      trigger: {
        namespace: config.kubernetes.namespaces.pipeline,
        name: config.procedure.drain.triggerDeployment,
      },
      scaler: triggerScaler(config),
      replicas: drain.triggerReplicasBefore,
    },
    stepOptions(parent, environment),
  );
}

/** The legacy job-dsl seed job, once Jenkins is ready, when the kernelci-jenkins revision changed. */
export function createJenkinsSeed(
  name: string,
  config: LoadedConfig,
  jenkins: { url: string; jobsRepo: string; jobsBranch: string },
  environment: pulumi.Input<pulumi.Resource>[],
  parent?: pulumi.Resource,
) {
  const p = config.procedure;
  const { jobsRepo: repo, jobsBranch: branch } = jenkins;
  return new JenkinsSeed(
    `${name}-jenkins-seed`,
    {
      jenkinsUrl: jenkins.url,
      user: p.jenkinsSeed.user,
      token: config.secrets.apply((s) => s.jenkinsAdminPassword ?? ""),
      job: p.jenkinsSeed.job,
      revision: seedRevision({ repo, branch, pinned: p.jenkinsSeed.revision }),
      timeoutMinutes: p.jenkinsSeed.timeoutMinutes,
      requestTimeoutMs: p.apiTimeoutSeconds * 1000,
      poll: p.poll,
    },
    stepOptions(parent, environment),
  );
}

/** A full cycle's kernel test revision, pushed once everything is rolled out. */
export function createKernelTestRevision(
  name: string,
  config: LoadedConfig,
  kernel: NonNullable<LoadedConfig["procedure"]["kernel"]>,
  key: pulumi.Input<string>,
  rolledOut: pulumi.Input<pulumi.Resource>[],
  parent?: pulumi.Resource,
) {
  const remote = resolveLocation(kernel.remote);
  return new KernelTestRevision(
    `${name}-kernel-test-revision`,
    {
      cycleKey: key,
      remote,
      trees: kernel.trees.map((t) => ({ ...t, url: resolveLocation(t.url) })),
      branchPrefix: kernel.branchPrefix,
      tagLimit: kernel.tagLimit,
      patchesRoot: kernel.patchesDir ? resolveLocation(kernel.patchesDir) : null,
      workDir: resolveLocation(kernel.workDir ?? `.local/work/kernel-${pulumi.getStack()}`),
      identity: { name: "KernelCI deploy", email: "bot@kernelci.org" },
      gitToken: /^https:/.test(remote) ? config.secrets.apply((s) => s.githubToken ?? null) : null,
    },
    stepOptions(parent, rolledOut),
  );
}

/** The pipe cleaner's verdict on the pushed revision, compared with the baseline. */
export function createPipeCleaner(
  name: string,
  config: LoadedConfig,
  tree: string,
  revision: KernelTestRevision,
  parent?: pulumi.Resource,
) {
  const p = config.procedure;
  const { context, namespaces } = config.kubernetes;
  const trigger = `-n ${namespaces.pipeline} scale deployment/${p.drain.triggerDeployment} --replicas=0`;
  return new PipeCleaner(
    `${name}-pipe-cleaner`,
    {
      ...apiSettings(config),
      tree,
      branch: revision.branch,
      commit: revision.commit,
      baselineCheckout: p.pipeCleaner.baselineCheckout ?? null,
      maxCountDropPercent: p.pipeCleaner.maxCountDropPercent,
      maxPassRateDropPoints: p.pipeCleaner.maxPassRateDropPoints,
      timeoutMinutes: p.pipeCleaner.timeoutMinutes,
      reportFile: resolveLocation(p.pipeCleaner.reportFile ?? `reports/pipe-cleaner-${pulumi.getStack()}.md`),
      pauseHint:
        context === undefined
          ? "nothing to pause on a rendered-only stack"
          : `kubectl --context ${context} ${trigger}`,
    },
    stepOptions(parent),
  );
}

export function afterRollout(
  name: string,
  config: LoadedConfig,
  key: pulumi.Input<string>,
  environment: pulumi.Input<pulumi.Resource>[],
  before: BeforeRollout = { rolloutAfter: [] },
  parent?: pulumi.Resource,
): AfterRollout {
  const p = config.procedure;
  const result: AfterRollout = {};
  if (before.drain) result.resume = createTriggerResume(name, config, before.drain, environment, parent);
  const rolledOut = result.resume ? [...environment, result.resume] : environment;
  const url = jenkinsUrl(config);
  if (p.jenkinsSeed.enabled && url !== null && config.legacy.enabled) {
    const { jenkinsJobsRepo: jobsRepo, jenkinsJobsBranch: jobsBranch } = config.legacy;
    result.jenkinsSeed = createJenkinsSeed(name, config, { url, jobsRepo, jobsBranch }, environment, parent);
  }
  // A partial cycle deploys only; the test revision and its verdict belong to a full cycle.
  if (p.cycle !== "full" || p.kernel === undefined || !p.pipeCleaner.enabled) return result;
  result.revision = createKernelTestRevision(name, config, p.kernel, key, rolledOut, parent);
  result.pipeCleaner = createPipeCleaner(name, config, p.kernel.apiTree, result.revision, parent);
  return result;
}
