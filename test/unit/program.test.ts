import { runProgram } from "../support/mockProgram";

describe("the program", () => {
  it("renders the local stack to a directory and registers no docker or github resource", async () => {
    const { resources, outputs } = await runProgram("local");
    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.renderYamlToDirectory).toMatch(/rendered\/local$/);
    expect(resources.filter((r) => /^(docker|github):/.test(r.type))).toEqual([]);
    expect(outputs.environment).toBe("local");
  });

  it("targets the staging cluster context", async () => {
    // The GitHub forge is exercised in stagingProgram.test.ts; here the stack without it.
    const { resources } = await runProgram("staging", { "kernelci:staging": undefined });
    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.context).toBe("aks-kbuild-staging");
    expect(provider?.inputs.renderYamlToDirectory).toBeUndefined();
  });
});

describe("the production rollout key", () => {
  const drainKey = async (build: string) => {
    const { resources } = await runProgram("production", {}, { build });
    const drain = resources.find((r) => r.type === "pulumi-nodejs:dynamic/kernelci:Drain");
    return drain?.inputs.rolloutKey;
  };

  it("changes with the images built, so a new release drains before it rolls out", async () => {
    const first = await drainKey("release-1");
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await drainKey("release-1")).toBe(first);
    expect(await drainKey("release-2")).not.toBe(first);
  });
});

describe("the update procedure's steps", () => {
  it("are children of the procedure component", async () => {
    const { resources } = await runProgram("production");
    const steps = resources.filter((r) => /^pulumi-nodejs:dynamic\/kernelci:/.test(r.type));
    expect(steps.map((s) => s.name).sort()).toEqual(
      expect.arrayContaining(["procedure-drain", "procedure-pipe-cleaner", "procedure-trigger-resume"]),
    );
    for (const step of steps) {
      expect(step.urn).toContain(`kernelci:procedure:UpdateProcedure$${step.type}::${step.name}`);
    }
  });
});
