import { projectRoot } from "../../lib/project";

// The engine layer's helpers live with the embedded default, which the benchmarks use too.
export {
  engineEnv,
  localStack,
  localStagingConfig,
  pulumiCommand,
  renderDirOf,
} from "../../local/isolatedStack";

export const repoRoot = projectRoot;
