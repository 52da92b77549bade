import { ConfigError, parseStackConfig } from "../../config/load";
import { isSecretConfigKey, rawStackConfig, type StackName } from "../support/mockProgram";

/** The problems reported for a committed stack file with `edit` applied to its raw config. */
function problems(stack: StackName, edit: (config: Record<string, unknown>) => void): string[] {
  try {
    parseStackConfig(rawStackConfig(stack, edit), isSecretConfigKey, `Pulumi.${stack}.yaml`);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
type Section = Record<string, unknown> & { schedulers: { lava: { name: string; labs?: string[] }[] } };
const section = (config: Record<string, unknown>, key: string) => config[`kernelci:${key}`] as Section;

describe("an invalid platform configuration", () => {
  it("names each missing key", () => {
    const found = problems("staging", (c) => {
      delete section(c, "pipeline").apiConfig;
      delete section(c, "api").host;
    });
    expect(found).toEqual([
      expect.stringMatching(/^kernelci:api\.host: /),
      expect.stringMatching(/^kernelci:pipeline\.apiConfig: /),
    ]);
  });

  it("names each key of the wrong type, saying what is expected", () => {
    const found = problems("production", (c) => {
      section(c, "pipeline").pollPeriodSeconds = "hourly";
      section(c, "pipeline").trees = ["mainline"];
      section(c, "storage").size = "a lot";
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kernelci:pipeline\.pollPeriodSeconds: .*number/),
        expect.stringMatching(/^kernelci:pipeline\.trees: .*string/),
        expect.stringMatching(/^kernelci:storage\.size: expected a Kubernetes quantity/),
      ]),
    );
  });

  it("names a lab a scheduler group refers to but no lab defines", () => {
    const found = problems("production", (c) => {
      section(c, "pipeline").schedulers.lava.push({
        name: "partners",
        labs: ["lava-baylibre", "lava-unknown"],
      });
    });
    expect(found).toEqual([
      'kernelci:pipeline.schedulers.lava.1.labs.1: unknown lab "lava-unknown" in scheduler group "partners"; configured labs (kernelci:labs): lava-collabora, lava-baylibre, lava-broonie, lava-cip',
    ]);
  });

  it("names the pushed tree a trigger would not watch (kernelci-pipeline kube/aks/trigger.yaml: --trees=!kernelci)", () => {
    const found = problems("production", (c) => {
      const procedure = c["kernelci:procedure"] as { kernel: Record<string, unknown> };
      procedure.kernel.apiTree = "kernelci";
    });
    expect(found).toEqual([
      'kernelci:procedure.kernel.apiTree: the trigger (kernelci:pipeline.trees "!kernelci") does not watch tree "kernelci": no checkout would follow the kernel test revisions pushed',
    ]);
    const setTrees = (c: Record<string, unknown>) => {
      section(c, "pipeline").trees = "mainline next";
    };
    expect(problems("production", setTrees)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kernelci:pipeline\.trees: expected tree names separated by commas/),
      ]),
    );
  });

  it("names a lab without tokens", () => {
    const found = problems("staging", (c) => {
      delete (c["kernelci:labTokens"] as Record<string, unknown>)["lava-broonie"];
    });
    expect(found).toEqual([expect.stringMatching(/^kernelci:labTokens\.lava-broonie: .*--secret/)]);
  });

  it("names the secret a setting needs", () => {
    const found = problems("production", (c) => {
      const secrets = c["kernelci:secrets"] as Record<string, unknown>;
      delete secrets.storageAzureSasToken;
      delete secrets.kcidbCredentials;
      delete secrets.buildCredentials;
    });
    expect(found).toEqual([
      expect.stringMatching(/^kernelci:secrets\.storageAzureSasToken: required: storage\.driver is azure/),
      expect.stringMatching(
        /^kernelci:secrets\.kcidbCredentials: required: pipeline\.kcidb\.enabled is true/,
      ),
      expect.stringMatching(
        /^kernelci:secrets\.buildCredentials: required: pipeline\.schedulers\.credentials is archive/,
      ),
    ]);
  });

  it("names the legacy hosts an enabled legacy system needs, and the images' source dir", () => {
    const found = problems("staging", (c) => {
      delete section(c, "legacy").jenkinsHost;
      delete section(c, "images").sourceDir;
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kernelci:images\.sourceDir: build: true needs images\.sourceDir/),
        expect.stringMatching(/^kernelci:legacy\.jenkinsHost: /),
      ]),
    );
  });
});
