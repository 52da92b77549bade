import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../config/load";
import { lsRemote } from "../lib/git/repo";
import { digestDirectory } from "../lib/kernelci/rootfs";
import type { ScalerSpec } from "../lib/kernelci/scale";
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

const projectRoot = path.resolve(__dirname, "..");
const fromProject = (p: string) =>
  path.isAbsolute(p) || /^[a-z]+:\/\//.test(p) || /^[^/]+@[^:]+:/.test(p) ? p : path.resolve(projectRoot, p);

/**
 * A digest of what a rollout deploys: the stack's configuration (without the procedure's own
 * settings and without secrets) plus `extra` values the caller knows (staging branch heads,
 * image digests). The drain and the kernel test revision run again only when it changes.
 */
export function rolloutKey(config: LoadedConfig, extra: pulumi.Input<string>[] = []): pulumi.Output<string> {
  // The GitHub side (webhooks, teams, Actions secrets) changes nothing the pipeline runs.
  const {
    procedure: _procedure,
    secrets: _secrets,
    labTokens: _labTokens,
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
  return { kind: "record", file: `${fromProject(renderDir as string)}-operations/trigger-scale.jsonl` };
}

export interface BeforeRollout {
  drain?: Drain;
  rootfs?: RootfsBuild;
  /** Give these to the environment: no Deployment changes before they are done. */
  rolloutAfter: pulumi.Resource[];
}

export function beforeRollout(name: string, config: LoadedConfig, key: pulumi.Input<string>): BeforeRollout {
  const p = config.procedure;
  const result: BeforeRollout = { rolloutAfter: [] };
  if (p.drain.enabled) {
    const url = jenkinsUrl(config);
    result.drain = new Drain(`${name}-drain`, {
      ...apiSettings(config),
      rolloutKey: key,
      trigger: { namespace: config.kubernetes.namespaces.pipeline, name: p.drain.triggerDeployment },
      scaler: triggerScaler(config),
      windowHours: p.drain.recentHours,
      timeoutMinutes: p.drain.timeoutMinutes,
      force: p.drain.force,
      legacy:
        url === null
          ? null
          : config.secrets.apply((s) => ({
              url,
              user: p.jenkinsSeed.user,
              token: s.jenkinsAdminPassword ?? "",
              bisectionJob: p.drain.bisectionJob,
            })),
    });
    result.rolloutAfter.push(result.drain);
  }
  if (p.rootfs?.enabled) {
    const r = p.rootfs;
    result.rootfs = new RootfsBuild(`${name}-rootfs`, {
      github: r.github,
      githubToken: config.secrets.apply((s) => {
        if (!s.githubToken)
          throw new Error("kernelci:secrets.githubToken is required by procedure.rootfs.enabled");
        return s.githubToken;
      }),
      variants: r.variants,
      urlTemplate: r.urlTemplate,
      requestedVersion: r.requestedVersion ?? null,
      recipesDigest: r.recipesDir ? digestDirectory(fromProject(r.recipesDir)) : null,
      timeoutMinutes: r.timeoutMinutes,
      poll: p.poll,
    });
  }
  return result;
}

export interface AfterRollout {
  resume?: TriggerResume;
  jenkinsSeed?: JenkinsSeed;
  revision?: KernelTestRevision;
  pipeCleaner?: PipeCleaner;
}

export function afterRollout(
  name: string,
  config: LoadedConfig,
  key: pulumi.Input<string>,
  environment: pulumi.Input<pulumi.Resource>[],
  before: BeforeRollout = { rolloutAfter: [] },
): AfterRollout {
  const p = config.procedure;
  const result: AfterRollout = {};
  let rolledOut = environment;
  if (before.drain) {
    // The trigger back once everything else is updated, even when its own manifest did not change.
    result.resume = new TriggerResume(
      `${name}-trigger-resume`,
      {
        drainedAt: before.drain.drainedAt,
        trigger: { namespace: config.kubernetes.namespaces.pipeline, name: p.drain.triggerDeployment },
        scaler: triggerScaler(config),
        replicas: before.drain.triggerReplicasBefore,
      },
      { dependsOn: environment },
    );
    rolledOut = [...environment, result.resume];
  }
  const url = jenkinsUrl(config);
  if (p.jenkinsSeed.enabled && url !== null && config.legacy.enabled) {
    const legacy = config.legacy;
    const revision =
      p.jenkinsSeed.revision ??
      lsRemote(legacy.jenkinsJobsRepo, [`refs/heads/${legacy.jenkinsJobsBranch}`]).then((refs) => {
        const sha = refs.get(`refs/heads/${legacy.jenkinsJobsBranch}`);
        if (!sha)
          throw new Error(
            `${legacy.jenkinsJobsRepo} has no branch ${legacy.jenkinsJobsBranch} (legacy.jenkinsJobsBranch)`,
          );
        return sha;
      });
    result.jenkinsSeed = new JenkinsSeed(
      `${name}-jenkins-seed`,
      {
        jenkinsUrl: url,
        user: p.jenkinsSeed.user,
        token: config.secrets.apply((s) => s.jenkinsAdminPassword ?? ""),
        job: p.jenkinsSeed.job,
        revision,
        timeoutMinutes: p.jenkinsSeed.timeoutMinutes,
        requestTimeoutMs: p.apiTimeoutSeconds * 1000,
        poll: p.poll,
      },
      { dependsOn: environment },
    );
  }
  // A partial cycle deploys only; the test revision and its verdict belong to a full cycle.
  if (p.cycle !== "full" || p.kernel === undefined || !p.pipeCleaner.enabled) return result;
  const k = p.kernel;
  const remote = fromProject(k.remote);
  result.revision = new KernelTestRevision(
    `${name}-kernel-test-revision`,
    {
      cycleKey: key,
      remote,
      trees: k.trees.map((t) => ({ ...t, url: fromProject(t.url) })),
      branchPrefix: k.branchPrefix,
      tagLimit: k.tagLimit,
      patchesRoot: k.patchesDir ? fromProject(k.patchesDir) : null,
      workDir: fromProject(k.workDir ?? `.local/work/kernel-${pulumi.getStack()}`),
      identity: { name: "KernelCI deploy", email: "bot@kernelci.org" },
      gitToken: /^https:/.test(remote) ? config.secrets.apply((s) => s.githubToken ?? null) : null,
    },
    { dependsOn: rolledOut },
  );
  const { context } = config.kubernetes;
  const trigger = `-n ${config.kubernetes.namespaces.pipeline} scale deployment/${p.drain.triggerDeployment} --replicas=0`;
  result.pipeCleaner = new PipeCleaner(`${name}-pipe-cleaner`, {
    ...apiSettings(config),
    tree: k.apiTree,
    branch: result.revision.branch,
    commit: result.revision.commit,
    baselineCheckout: p.pipeCleaner.baselineCheckout ?? null,
    maxCountDropPercent: p.pipeCleaner.maxCountDropPercent,
    maxPassRateDropPoints: p.pipeCleaner.maxPassRateDropPoints,
    timeoutMinutes: p.pipeCleaner.timeoutMinutes,
    reportFile: fromProject(p.pipeCleaner.reportFile ?? `reports/pipe-cleaner-${pulumi.getStack()}.md`),
    pauseHint:
      context === undefined
        ? "nothing to pause on a rendered-only stack"
        : `kubectl --context ${context} ${trigger}`,
  });
  return result;
}
