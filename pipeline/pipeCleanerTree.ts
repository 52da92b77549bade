import { stringify } from "yaml";
import { mergedPipelineYaml } from "./pipelineYaml";

/** The kernel branches the update procedure pushes, as kernelci-pipeline's trigger must see them. */
export interface PushedBranches {
  /** The tree name the pipeline gives the pushed repository (procedure.kernel.apiTree). */
  tree: string;
  /** The repository pushed to (procedure.kernel.remote). */
  url: string;
  branches: string[];
}

/** The file of the deployed config/ directory that declares what the pipeline does not know yet. */
export const pipeCleanerConfigFile = "trees/kernelci-deploy.yaml";

/**
 * Architectures of the build configs of kernelci-pipeline's config/trees/kernelci.yaml, the
 * tree the staging pipe cleaner has always pushed to.
 */
const architectures = ["x86_64", "arm64", "arm", "loongarch", "powerpc", "s390"];

/**
 * Whether the trigger started with `--trees=<trees>` creates checkouts of `tree`: the rule of
 * `_run_trigger` in kernelci-pipeline's src/trigger.py (a value of one character filters nothing;
 * a leading `!` excludes the listed trees, otherwise only they are watched).
 */
export function triggerWatches(trees: string, tree: string): boolean {
  if (trees.length <= 1) return true;
  const listed = trees
    .replace(/^!+|!+$/g, "")
    .split(",")
    .includes(tree);
  return trees.startsWith("!") ? !listed : listed;
}

const isUrl = (location: string) => /^[a-z+]+:\/\//.test(location);
const sameUrl = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * The deployed config/ directory, plus a file declaring the pushed tree and a build config for
 * each pushed branch the config does not cover yet; unchanged when it covers them all. A tree of
 * that name pointing elsewhere is an error: the trigger would watch the wrong repository.
 */
export function withPushedBranches(
  files: Record<string, string>,
  pushed: PushedBranches,
): Record<string, string> {
  if (files[pipeCleanerConfigFile] !== undefined) {
    throw new Error(
      `kernelci-pipeline config/${pipeCleanerConfigFile} exists: the deployer owns that file name`,
    );
  }
  const yaml = mergedPipelineYaml(files);
  const known = yaml.trees?.[pushed.tree] as { url?: string } | undefined;
  const buildConfigs = Object.values(yaml.build_configs ?? {}) as { tree?: string; branch?: string }[];
  // A local path (the local stack) is no URL the pipeline could fetch: nothing to compare.
  if (known?.url !== undefined && isUrl(pushed.url) && !sameUrl(known.url, pushed.url)) {
    throw new Error(
      `tree "${pushed.tree}" of the deployed kernelci-pipeline config is ${known.url}, but kernel test revisions are pushed to ${pushed.url}: set kernelci:procedure.kernel.apiTree to another name`,
    );
  }
  const missing = pushed.branches.filter(
    (branch) => !buildConfigs.some((b) => b?.tree === pushed.tree && b.branch === branch),
  );
  if (known && missing.length === 0) return files;
  const fragment = {
    ...(known ? {} : { trees: { [pushed.tree]: { url: pushed.url } } }),
    build_configs: Object.fromEntries(
      missing.map((branch) => [
        `${pushed.tree}_${branch}`,
        { tree: pushed.tree, branch, priority: "low", architectures },
      ]),
    ),
  };
  return { ...files, [pipeCleanerConfigFile]: stringify(fragment) };
}
