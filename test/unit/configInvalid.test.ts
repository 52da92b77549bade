import { ConfigError, localCluster, parseStackConfig, plaintextSecretLeaves } from "../../config/load";
import { isSecretConfigKey, rawStackConfig, type StackName, stackFileConfig } from "../support/mockProgram";

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

  it("names a kubernetes section with both a cluster and a render directory, and a drain without a cluster", () => {
    const found = problems("local", (c) => {
      section(c, "kubernetes").renderDir = "rendered/local";
    });
    expect(found).toEqual([expect.stringMatching(/^kernelci:kubernetes: set either a cluster .* not both/)]);
    const renderOnly = problems("local", (c) => {
      delete section(c, "kubernetes").kubeconfig;
      section(c, "kubernetes").renderDir = "rendered/local";
      section(c, "procedure").drain = { enabled: true };
    });
    expect(renderOnly).toEqual([
      expect.stringMatching(/^kernelci:procedure\.drain\.enabled: needs a cluster .*renderDir only renders/),
    ]);
  });
});

describe("the local stack's cluster", () => {
  const config = (kubernetes: Record<string, unknown>, environment = "local") =>
    ({ environment, kubernetes }) as unknown as Parameters<typeof localCluster>[0];
  const own = { kubeconfig: ".local/cluster/kubeconfig", namespaces: {} };

  it("is the one KCI_LOCAL_KUBECONFIG names when set", () => {
    expect(localCluster(config(own), { KCI_LOCAL_KUBECONFIG: "/home/me/.kube/kind" })).toMatchObject({
      kubeconfig: "/home/me/.kube/kind",
    });
    expect(localCluster(config(own), {})).toBe(own);
  });

  it("stays as configured on staging and production, and on a render-only local stack", () => {
    const env = { KCI_LOCAL_KUBECONFIG: "/home/me/.kube/kind" };
    const staging = { context: "aks-kbuild-staging", namespaces: {} };
    expect(localCluster(config(staging, "staging"), env)).toBe(staging);
    const rendered = { renderDir: "rendered/local", namespaces: {} };
    expect(localCluster(config(rendered), env)).toBe(rendered);
  });
});

describe("configuration a hostile user could write (issue 10)", () => {
  it("defect 1: refuses a staging branch equal to a repository's main branch", () => {
    const found = problems("staging", (c) => {
      section(c, "staging").branch = "main";
    });
    const repos = (stackFileConfig("staging")["kernelci:staging"] as { repos: unknown[] }).repos;
    expect(found).toEqual(
      repos.map((_, i) =>
        expect.stringMatching(
          new RegExp(
            `^kernelci:staging\\.repos\\.${i}\\.main: the staging branch main is .*would be overwritten`,
          ),
        ),
      ),
    );
  });

  it("defect 2: refuses repository names that leave the work dir, and invalid branch names and tag prefixes", () => {
    const found = problems("staging", (c) => {
      (section(c, "staging").repos as unknown as { name: string }[])[0].name = "..";
      section(c, "staging").branch = "a..b";
      section(c, "staging").tagPrefix = "*";
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^kernelci:staging\.repos\.0\.name: repository "\.\." is not a repository name/,
        ),
        expect.stringMatching(/^kernelci:staging\.branch: branch "a\.\.b" is not a valid git branch name/),
        expect.stringMatching(/^kernelci:staging\.tagPrefix: tag prefix "\*" makes tags/),
      ]),
    );
  });

  it("defect 3: refuses one plaintext leaf in a secret section among encrypted ones", () => {
    const stackFile = [
      "config:",
      "  kernelci:environment: staging",
      "  kernelci:secrets:",
      "    apiToken:",
      "      secure: v1:AAAA",
      "    webhookSecret: x",
      "  kernelci:labTokens:",
      "    lab-a:",
      "      token:",
      "        secure: v1:BBBB",
      "      callbackToken: plain",
    ].join("\n");
    const leaves = plaintextSecretLeaves(stackFile);
    expect(leaves).toEqual(["kernelci:secrets.webhookSecret", "kernelci:labTokens.lab-a.callbackToken"]);
    const raw = rawStackConfig("staging");
    expect(() => parseStackConfig(raw, isSecretConfigKey, "Pulumi.staging.yaml", leaves)).toThrow(
      /kernelci:secrets\.webhookSecret: holds a secret but is stored in plaintext; set it with `pulumi config set --secret --path secrets\.webhookSecret/,
    );
  });

  it("defect 12: accepts only http(s) URLs where a web URL is meant", () => {
    const found = problems("staging", (c) => {
      section(c, "legacy").jenkinsUrl = "file:///etc/passwd";
      section(c, "legacy").jenkinsJobsRepo = "file:///srv/jobs.git";
      section(c, "procedure").kernelciApiUrl = "javascript:alert(1)";
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kernelci:legacy\.jenkinsUrl: expected an http\(s\) URL/),
        expect.stringMatching(/^kernelci:legacy\.jenkinsJobsRepo: expected an https, http, ssh or git URL/),
        expect.stringMatching(/^kernelci:procedure\.kernelciApiUrl: expected an http\(s\) URL/),
      ]),
    );
  });

  it("defect 12: refuses keys under a look-alike namespace instead of skipping them", () => {
    const found = problems("staging", (c) => {
      c["kernelcl:staging"] = { branch: "x" };
      c["KernelCI:legacy"] = { enabled: false };
      c["kernel-ci:api"] = {};
      c["kubernetes:context"] = "other";
    });
    expect(found).toEqual([
      expect.stringMatching(/^kernelcl:staging: unknown namespace "kernelcl"/),
      expect.stringMatching(/^KernelCI:legacy: unknown namespace "KernelCI"/),
      expect.stringMatching(/^kernel-ci:api: unknown namespace "kernel-ci"/),
    ]);
  });
});
