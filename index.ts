import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Kcibot } from "./components/bot";
import { KernelciEnvironment } from "./components/environment";
import { GithubSide } from "./components/github";
import { Images, thirdPartyImages } from "./components/images";
import { afterRollout, beforeRollout, rolloutKey, UpdateProcedure } from "./components/procedure";
import { Release, releaseBackup } from "./components/release";
import { StagingBranches } from "./components/stagingBranches";
import { loadStackConfig } from "./config/load";
import { resolveLocation } from "./lib/project";
import { readConfigDirectory } from "./pipeline/configFiles";

// Composition root: configuration -> environment -> exports. An invalid configuration throws
// here, before any resource is registered, so nothing is deployed.
const config = loadStackConfig();
// The staging bot picks each deploy's cycle (bot/deployer.ts); by hand, the stack's own applies.
const botCycle = process.env.KCI_BOT_CYCLE;
if (botCycle === "full" || botCycle === "partial") config.procedure.cycle = botCycle;

const { renderDir, context } = config.kubernetes;
const provider = new k8s.Provider("kubernetes", {
  ...(renderDir ? { renderYamlToDirectory: resolveLocation(renderDir) } : { context }),
  // Updated in place under their stable names: pods restart through their checksum annotations.
  enableConfigMapMutable: true,
  enableSecretMutable: true,
});

// Staging: the trusted open PRs of each repository merged into its staging branch; what is
// built and deployed from a repository follows its branch head.
const stagingBranches = config.staging
  ? new StagingBranches("staging", {
      config: config.staging,
      githubToken: config.secrets.apply((s) => s.githubToken),
    })
  : undefined;

// A production release (components/release.ts): the change summary and its announcement
// check, then release tags and production branches, forks rebased, the website. Images build
// from the release commits, so they come after the branches.
const releaseConfig = config.release;
const release = releaseConfig
  ? new Release("release", {
      config: { ...config, release: releaseConfig },
      resolve: (p) => resolveLocation(p),
      provider,
    })
  : undefined;

// The kernelci-pipeline config/ directory of the revision deployed: the staging branch head
// where there is one (staging, local), otherwise the checkout images build from (production).
// KCI_PIPELINE_CONFIG_DIR points elsewhere (tests of config-only changes).
const configDirOverride = process.env.KCI_PIPELINE_CONFIG_DIR;
const pipelineConfigFiles =
  configDirOverride === undefined && stagingBranches
    ? stagingBranches.files("kernelci-pipeline", "config")
    : configDirOverride === undefined && release?.has("kernelci-pipeline")
      ? release.files("kernelci-pipeline", "config")
      : readConfigDirectory(
          configDirOverride ?? path.join(config.images.sourceDir ?? "", "kernelci-pipeline/config"),
        );
// Images are built before anything pauses or rolls out: on staging, from the staging heads
// written under images.sourceDir; on production, from the checkouts already there.
const { sourceDir } = config.images;
const kernelciImages = new Images(`${config.environment}-images`, {
  config: config.images,
  thirdParty: {
    ...thirdPartyImages(config),
    ...(config.bot?.deployment ? { kcibot: config.bot.deployment.image } : {}),
  },
  sourceRevisions: stagingBranches?.heads ?? release?.commits,
  checkout:
    stagingBranches && sourceDir
      ? (repo) => stagingBranches.checkout(repo, path.join(sourceDir, repo))
      : release && sourceDir
        ? (repo) =>
            release.has(repo)
              ? release.checkout(repo, path.join(sourceDir, repo))
              : path.join(sourceDir, repo)
        : undefined,
});
// The release's Mongo backup once the branches are pushed and the images built, before the
// drain: the drain's key includes the backup's Job, so it waits for the dump (and a new release
// dumps again).
const backup =
  release && releaseConfig
    ? releaseBackup({ ...config, release: releaseConfig }, release, provider, [
        ...release.branches,
        kernelciImages,
      ])
    : undefined;
// The update procedure around the rollout (components/procedure.ts): production drains the
// pipeline before any Deployment changes; a full cycle then pushes a kernel test revision and
// judges it. The rollout key (deployed config, images, staging heads) decides when they run again.
const rollout = rolloutKey(config, [
  kernelciImages.outputs.apply((refs) => JSON.stringify(refs)),
  ...(stagingBranches ? [stagingBranches.heads.apply((heads) => JSON.stringify(heads))] : []),
  ...(release ? [release.commits.apply((commits) => JSON.stringify(commits))] : []),
  ...(backup ? [backup.job.metadata.name] : []),
]);
const updateProcedure = new UpdateProcedure("procedure");
const procedure = beforeRollout("procedure", config, rollout, updateProcedure);
const kernelci = new KernelciEnvironment(config.environment, {
  config,
  provider,
  pipelineConfigFiles,
  images: kernelciImages,
  rolloutAfter: [
    ...(stagingBranches ? [stagingBranches] : []),
    ...(backup ? [backup] : []),
    ...procedure.rolloutAfter,
  ],
});
// kcibot (seed 003) runs in the cluster it deploys, where the stack's bot section asks for it.
const botDeployment = config.bot?.deployment;
const bot =
  botDeployment &&
  new Kcibot(
    "kcibot",
    {
      namespace: botDeployment.namespace,
      image: kernelciImages.refs.kcibot,
      host: botDeployment.host,
      tlsIssuer: config.api.tlsIssuer,
      ingressClass: config.kubernetes.ingressClass,
      storageSize: botDeployment.storageSize,
      storageClass: config.kubernetes.storageClass,
      configFile: `Pulumi.${pulumi.getStack()}.yaml`,
      backendUrl: botDeployment.backendUrl,
      secrets: config.secrets.apply((s) => ({
        webhookSecret: s.webhookSecret ?? "",
        githubToken: s.githubToken,
      })),
    },
    { providers: [provider] },
  );
const verdict = afterRollout("procedure", config, rollout, [kernelci], procedure, updateProcedure);

// The GitHub side (webhooks, labels, teams, the production environment, Actions secrets),
// where enabled: the github plugin is not available on machines without GitHub access.
const githubSide = config.github?.enabled
  ? new GithubSide("github", {
      config: config.github,
      staging: config.staging,
      token: config.secrets.apply((s) => s.githubAdminToken ?? ""),
      webhookSecret: config.secrets.apply((s) => s.webhookSecret ?? ""),
      actionsSecrets: config.actionsSecrets,
    })
  : undefined;

export const environment = config.environment;
export const namespaceNames = Object.values(kernelci.namespaces);
export const apiUrl = kernelci.apiUrl;
export const callbackUrl = kernelci.callbackUrl;
export const images = kernelci.images;
export const services = kernelci.services;
export const stagingHeads = stagingBranches?.heads;
export const botUrl = bot?.url;
export const githubTeams = githubSide?.teams;
export const drain = procedure.drain && {
  drainedAt: procedure.drain.drainedAt,
  forced: procedure.drain.forced,
  inFlight: procedure.drain.inFlight,
};
export const rootfs = procedure.rootfs && { version: procedure.rootfs.version, urls: procedure.rootfs.urls };
export const kernelTestRevision = verdict.revision && {
  tree: verdict.revision.tree,
  branch: verdict.revision.branch,
  commit: verdict.revision.commit,
  tag: verdict.revision.tag,
};
export const pipeCleaner = verdict.pipeCleaner?.summary;
export const pipeCleanerReport = verdict.pipeCleaner?.reportFile;
export const releaseSummary = release?.summary.markdown;
export const releaseComponents =
  release &&
  pulumi
    .all(release.branches.map((b) => pulumi.all([b.component, b.commit, b.tag, b.pushed])))
    .apply((rows) =>
      Object.fromEntries(rows.map(([name, commit, tag, pushed]) => [name, { commit, tag, pushed }])),
    );
export const releaseForks = release?.forks.map((f, i) => ({
  name: releaseConfig?.forks[i].name,
  head: f.head,
  tag: f.tag,
  pushed: f.pushed,
}));
export const websiteUrl = release?.website?.url;
export const mongoBackup = backup?.archive;
