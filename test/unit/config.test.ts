import { ConfigError, parseStackConfig } from "../../config/load";
import { isSecretConfigKey as isSecret, rawStackConfig, type StackName } from "../support/mockProgram";

const raw = (stack: StackName, overrides: Record<string, unknown> = {}) =>
  rawStackConfig(stack, (config) => Object.assign(config, overrides));

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("stack configuration", () => {
  it.each(["local", "staging", "production"] as const)("the committed %s stack file is valid", (stack) => {
    const config = parseStackConfig(raw(stack), isSecret, `Pulumi.${stack}.yaml`);
    expect(config.environment).toBe(stack);
  });

  it("reports every problem at once, each with its key path", () => {
    const found = problems(() =>
      parseStackConfig(
        raw("staging", { "kernelci:api": { host: 42, tlsIssuer: "x" }, "kernelci:environment": "qa" }),
        isSecret,
        "Pulumi.staging.yaml",
      ),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kernelci:environment: /),
        expect.stringMatching(/^kernelci:api\.host: .*string/),
        expect.stringMatching(/^kernelci:api\.adminUsername: /),
      ]),
    );
  });

  it("names a missing section", () => {
    const found = problems(() =>
      parseStackConfig(
        raw("production", { "kernelci:storage": undefined }),
        isSecret,
        "Pulumi.production.yaml",
      ),
    );
    expect(found).toEqual([expect.stringMatching(/^kernelci:storage: /)]);
  });

  it("refuses secrets stored in plaintext, naming the key", () => {
    const found = problems(() => parseStackConfig(raw("staging"), () => false, "Pulumi.staging.yaml"));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining("kernelci:secrets: holds secrets but is stored in plaintext"),
      ]),
    );
  });

  it("names the file in its message and says nothing was deployed", () => {
    expect(() =>
      parseStackConfig(raw("staging", { "kernelci:images": "nope" }), isSecret, "Pulumi.staging.yaml"),
    ).toThrow(
      /Invalid configuration in Pulumi.staging.yaml \(nothing was deployed\):\n {2}- kernelci:images: /,
    );
  });
});
