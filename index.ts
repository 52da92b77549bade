import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { KernelciEnvironment } from "./components/environment";
import { GithubSide } from "./components/github";
import { Images, thirdPartyImages } from "./components/images";
import { afterRollout, beforeRollout, rolloutKey } from "./components/procedure";
import { StagingBranches } from "./components/stagingBranches";
import { loadStackConfig } from "./config/load";
import { readConfigDirectory } from "./pipeline/configFiles";

// Composition root: configuration -> environment -> exports. An invalid configuration throws
// here, before any resource is registered, so nothing is deployed.
const config = loadStackConfig();

const { renderDir, context } = config.kubernetes;
const provider = new k8s.Provider("kubernetes", {
  ...(renderDir ? { renderYamlToDirectory: path.resolve(__dirname, renderDir) } : { context }),
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

// The kernelci-pipeline config/ directory of the revision deployed: the staging branch head
// where there is one (staging, local), otherwise the checkout images build from (production).
// KCI_PIPELINE_CONFIG_DIR points elsewhere (tests of config-only changes).
const configDirOverride = process.env.KCI_PIPELINE_CONFIG_DIR;
const pipelineConfigFiles =
  configDirOverride === undefined && stagingBranches
    ? stagingBranches.files("kernelci-pipeline", "config")
    : readConfigDirectory(
        configDirOverride ?? path.join(config.images.sourceDir ?? "", "kernelci-pipeline/config"),
      );
// Images are built before anything pauses or rolls out: on staging, from the staging heads
// written under images.sourceDir; on production, from the checkouts already there.
const { sourceDir } = config.images;
const kernelciImages = new Images(`${config.environment}-images`, {
  config: config.images,
  thirdParty: thirdPartyImages(config),
  sourceRevisions: stagingBranches?.heads,
  checkout:
    stagingBranches && sourceDir
      ? (repo) => stagingBranches.checkout(repo, path.join(sourceDir, repo))
      : undefined,
});
// The update procedure around the rollout (components/procedure.ts): production drains the
// pipeline before any Deployment changes; a full cycle then pushes a kernel test revision and
// judges it. The rollout key (deployed config, images, staging heads) decides when they run again.
const rollout = rolloutKey(config, [
  kernelciImages.outputs.apply((refs) => JSON.stringify(refs)),
  ...(stagingBranches ? [stagingBranches.heads.apply((heads) => JSON.stringify(heads))] : []),
]);
const procedure = beforeRollout("procedure", config, rollout);
const kernelci = new KernelciEnvironment(config.environment, {
  config,
  provider,
  pipelineConfigFiles,
  images: kernelciImages,
  rolloutAfter: [...(stagingBranches ? [stagingBranches] : []), ...procedure.rolloutAfter],
});
const verdict = afterRollout("procedure", config, rollout, [kernelci], procedure);

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
