import { parse } from "yaml";
import { pipeCleanerConfigFile, triggerWatches, withPushedBranches } from "../../pipeline/pipeCleanerTree";
import { checkSettingsNames, mergedPipelineYaml } from "../../pipeline/pipelineYaml";

describe("the trigger's --trees (kernelci-pipeline src/trigger.py _run_trigger)", () => {
  it.each([
    ["kernelci", "kernelci", true],
    ["kernelci", "mainline", false],
    ["!kernelci", "kernelci", false],
    ["!kernelci", "kernelci-deploy", true],
    ["mainline,next", "next", true],
    ["mainline,next", "kernelci", false],
    ["!mainline,next", "next", false],
    ["!mainline,next", "stable", true],
    // A value of one character filters nothing (`len(trees) > 1`).
    ["!", "kernelci", true],
    ["k", "kernelci", true],
  ])("--trees=%s watches %s: %s", (trees, tree, watched) => {
    expect(triggerWatches(trees, tree)).toBe(watched);
  });
});

// Synthetic config in the format of kernelci-pipeline's config/trees.yaml and config/trees/*.yaml.
const files = {
  "trees.yaml":
    'trees:\n  kernelci:\n    url: "https://github.com/kernelci/linux.git"\n  mainline:\n    url: "https://m"\n',
  "trees/kernelci.yaml":
    "build_configs:\n  kernelci_staging-mainline: &k\n    tree: kernelci\n    branch: staging-mainline\n  kernelci_staging-next:\n    <<: *k\n    branch: staging-next\n",
  "runtime/kbuild.jinja2": "{{ not yaml }}: [",
};

describe("the tree and build configs deployed for pushed branches (config/trees/kernelci.yaml)", () => {
  it("leaves the config alone when its build configs cover every pushed branch (merge keys resolved)", () => {
    const pushed = {
      tree: "kernelci",
      url: "https://github.com/kernelci/linux.git",
      branches: ["staging-next"],
    };
    expect(withPushedBranches(files, pushed)).toBe(files);
  });

  it("adds a build config for each branch the tree lacks", () => {
    const out = withPushedBranches(files, {
      tree: "kernelci",
      url: "https://github.com/kernelci/linux.git/",
      branches: ["staging-next", "staging-stable"],
    });
    expect(parse(out[pipeCleanerConfigFile])).toEqual({
      build_configs: {
        "kernelci_staging-stable": expect.objectContaining({ tree: "kernelci", branch: "staging-stable" }),
      },
    });
  });

  it("declares a tree the config does not know, with the pushed URL and every branch", () => {
    const out = withPushedBranches(files, {
      tree: "kernelci-deploy",
      url: "https://github.com/kernelci/linux.git",
      branches: ["kernelci.org"],
    });
    const merged = mergedPipelineYaml(out);
    expect(merged.trees["kernelci-deploy"]).toEqual({ url: "https://github.com/kernelci/linux.git" });
    expect(merged.build_configs["kernelci-deploy_kernelci.org"]).toMatchObject({
      tree: "kernelci-deploy",
      branch: "kernelci.org",
      architectures: expect.arrayContaining(["x86_64", "arm64"]),
    });
    // The upstream files are untouched.
    expect(out["trees/kernelci.yaml"]).toBe(files["trees/kernelci.yaml"]);
  });

  it("refuses a tree of that name pointing at another repository, naming the key to change", () => {
    expect(() =>
      withPushedBranches(files, {
        tree: "mainline",
        url: "https://github.com/kernelci/linux.git",
        branches: ["x"],
      }),
    ).toThrow(
      'tree "mainline" of the deployed kernelci-pipeline config is https://m, but kernel test revisions are pushed to https://github.com/kernelci/linux.git: set kernelci:procedure.kernel.apiTree to another name',
    );
  });

  it("refuses to overwrite a file of that name in the deployed config", () => {
    expect(() =>
      withPushedBranches(
        { ...files, [pipeCleanerConfigFile]: "" },
        { tree: "kernelci", url: "u", branches: [] },
      ),
    ).toThrow(`config/${pipeCleanerConfigFile} exists`);
  });

  it("names a config file that is not valid YAML", () => {
    expect(() => mergedPipelineYaml({ "bad.yaml": "a: [" })).toThrow(
      /^kernelci-pipeline config\/bad\.yaml is not valid YAML/,
    );
  });
});

describe("kernelci.toml names entries of the deployed config (config/pipeline.yaml api and storage)", () => {
  const config = {
    "pipeline.yaml": "api:\n  staging:\n    url: u\nstorage:\n  kci-storage:\n    base_url: b\n",
  };

  it("accepts names the config defines", () => {
    expect(() =>
      checkSettingsNames(config, { apiConfig: "staging", storageConfig: "kci-storage" }),
    ).not.toThrow();
  });

  it("names each key whose name the config lacks, with the names it has", () => {
    expect(() => checkSettingsNames(config, { apiConfig: "prod", storageConfig: "staging" })).toThrow(
      'kernelci:pipeline.apiConfig: "prod" is not an entry of "api" in the deployed kernelci-pipeline config (entries: staging)\n' +
        'kernelci:pipeline.storageConfig: "staging" is not an entry of "storage" in the deployed kernelci-pipeline config (entries: kci-storage)',
    );
  });
});
