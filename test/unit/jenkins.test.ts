import { renderJenkinsCasc } from "../../components/jenkins";

describe("Jenkins' configuration as code", () => {
  // The lab token "T" (see labTokens.test.ts) must never be written out.
  it("holds the seed job and never the lab tokens, only placeholders", () => {
    const casc = renderJenkinsCasc({
      url: "https://jenkins.example.org/",
      labs: ["lava-x"],
      jobsRepo: "https://github.com/kernelci/kernelci-jenkins.git",
      jobsBranch: "main",
    });
    expect(casc).not.toContain('"T"');
    expect(casc).toContain("$" + "{lava-x-token}");
    expect(casc).toContain("job('seed')");
    expect(casc).toContain("https://github.com/kernelci/kernelci-jenkins.git");
  });
});
