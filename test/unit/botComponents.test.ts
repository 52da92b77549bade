import {
  COMPONENTS,
  componentsOf,
  componentsOfFile,
  DEFAULT_RULES,
  failingComponent,
  suspectsOf,
} from "../../bot/components";
import { checkSettingsNames } from "../../pipeline/pipelineYaml";

/** The error the program stops a deploy with when kernelci.toml's names are not in the config. */
function refusal(files: Record<string, string>, names: { apiConfig: string; storageConfig: string }): string {
  try {
    checkSettingsNames(files, names);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("what a PR's files redeploy (bot/components.ts)", () => {
  const pr = (repo: string, files: string[], truncated = false) => ({ repo, pr: 1, files, truncated });

  it("kernelci-pipeline config YAML is the pipeline config only; its code is the pipeline image", () => {
    expect(
      componentsOf(
        [pr("kernelci-pipeline", ["config/jobs.yaml", "config/trees/kernelci.yaml"])],
        DEFAULT_RULES,
      ),
    ).toEqual({
      components: ["pipeline-config"],
      reasons: [],
    });
    expect(componentsOfFile("kernelci-pipeline", "src/scheduler.py", DEFAULT_RULES)).toEqual(["pipeline"]);
  });

  it("kernelci-api code is the API image and Deployment; documentation redeploys nothing", () => {
    expect(
      componentsOf([pr("kernelci-api", ["api/main.py", "README.md", "doc/api.md"])], DEFAULT_RULES)
        .components,
    ).toEqual(["api"]);
    expect(
      componentsOf([pr("kernelci-api", ["README.md", ".github/workflows/test.yml"])], DEFAULT_RULES)
        .components,
    ).toEqual([]);
  });

  it("kernelci-core's Docker templates rebuild every image", () => {
    expect(componentsOfFile("kernelci-core", "config/docker/gcc-14.jinja2", DEFAULT_RULES)).toEqual([
      "api",
      "pipeline",
      "toolchains",
    ]);
  });

  it("a file that matches no rule, or a truncated file list, means every component, and says why", () => {
    expect(componentsOf([pr("kernelci-api", ["Makefile"])], DEFAULT_RULES)).toEqual({
      components: [...COMPONENTS],
      reasons: ["kernelci-api#1: Makefile matches no rule"],
    });
    expect(componentsOf([pr("kernelci-pipeline", ["config/a.yaml"], true)], DEFAULT_RULES)).toEqual({
      components: [...COMPONENTS],
      reasons: ["kernelci-pipeline#1: more files than the forge lists"],
    });
    expect(componentsOfFile("some-other-repo", "config/a.yaml", DEFAULT_RULES)).toBeNull();
  });

  it("several PRs redeploy the union of what each touches", () => {
    const prs = [pr("kernelci-pipeline", ["config/jobs.yaml"]), pr("kernelci-api", ["api/db.py"])];
    expect(componentsOf(prs, DEFAULT_RULES).components).toEqual(["api", "pipeline-config"]);
  });
});

describe("narrowing the suspects of a failed deploy (bot/components.ts)", () => {
  const pr = (key: string, repo: string, files: string[]) => ({ key, repo, pr: 1, files, truncated: false });
  const prs = [
    pr("kernelci/kernelci-pipeline#1", "kernelci-pipeline", ["config/jobs.yaml"]),
    pr("kernelci/kernelci-api#2", "kernelci-api", ["api/main.py"]),
    pr("kernelci/kernelci-pipeline#3", "kernelci-pipeline", ["Makefile"]),
  ];

  it("reads the failing component from the engine's error", () => {
    expect(failingComponent("kubernetes:core/v1:ConfigMap (pipeline-config): invalid")).toBe(
      "pipeline-config",
    );
    expect(failingComponent("reading kernelci-pipeline/config/jobs.yaml: bad indentation")).toBe(
      "pipeline-config",
    );
    // The program's own checks of the deployed pipeline config, word for word.
    const named = { apiConfig: "local", storageConfig: "local" };
    expect(
      failingComponent(refusal({ "pipeline.yaml": "api:\n  dev: {}\nstorage:\n  local: {}\n" }, named)),
    ).toBe("pipeline-config");
    expect(failingComponent(refusal({ "pipeline.yaml": "api: [" }, named))).toBe("pipeline-config");
    expect(failingComponent("Deployment kernelci-api/api did not become available")).toBe("api");
    expect(failingComponent("Deployment scheduler-k8s: CrashLoopBackOff")).toBe("pipeline");
    expect(failingComponent("pipe cleaner: regression in kbuild")).toBeNull();
    expect(failingComponent("something else")).toBeNull();
  });

  it("suspects the PRs touching it (and those touching everything); the rest stay in", () => {
    expect(suspectsOf(prs, "pipeline-config", DEFAULT_RULES)).toEqual({
      suspects: ["kernelci/kernelci-pipeline#1", "kernelci/kernelci-pipeline#3"],
      innocent: ["kernelci/kernelci-api#2"],
    });
    expect(suspectsOf(prs, null, DEFAULT_RULES).suspects).toHaveLength(3);
  });
});
