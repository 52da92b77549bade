import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { StagingBranches } from "./components/stagingBranches";
import { loadStackConfig } from "./config/load";

// Composition root: configuration -> environment -> exports. An invalid configuration throws
// here, before any resource is registered, so nothing is deployed.
const config = loadStackConfig();

const { renderDir, context } = config.kubernetes;
const provider = new k8s.Provider("kubernetes", {
  ...(renderDir ? { renderYamlToDirectory: path.resolve(__dirname, renderDir) } : { context }),
});

const namespaces = Object.values(config.kubernetes.namespaces).map(
  (name) => new k8s.core.v1.Namespace(name, { metadata: { name } }, { provider }),
);

// Staging: the trusted open PRs of each repository merged into its staging branch; what is
// built and deployed from a repository follows its branch head.
const stagingBranches = config.staging
  ? new StagingBranches("staging", {
      config: config.staging,
      githubToken: config.secrets.apply((s) => s.githubToken),
    })
  : undefined;

export const environment = config.environment;
export const namespaceNames = namespaces.map((ns) => ns.metadata.name);
export const stagingHeads = stagingBranches?.heads;
