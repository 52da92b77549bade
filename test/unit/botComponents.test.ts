import { COMPONENTS, componentsOf, componentsOfFile, DEFAULT_RULES } from "../../bot/components";

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
