import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../../config/load";
import { parseStackConfig } from "../../config/load";
import { secretSections } from "../../config/schema";
import { drainProvider, triggerResumeProvider } from "../../providers/drain";
import { jenkinsSeedProvider } from "../../providers/jenkinsSeed";
import { kernelTestRevisionProvider } from "../../providers/kernelTestRevision";
import { pipeCleanerProvider } from "../../providers/pipeCleaner";
import { rootfsBuildProvider } from "../../providers/rootfsBuild";
import { isSecretConfigKey, promiseOf, rawStackConfig, type StackName } from "../support/mockProgram";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

beforeAll(() =>
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, branch: "staging-next", commit: "c0ffee" } };
      },
      call: (args) => args.inputs,
    },
    "kernelci",
    "test",
    false,
  ),
);
beforeEach(() => {
  registered.length = 0;
});

/** A stack's configuration as the program loads it, with `procedure` keys overridden. */
function stackConfig(stack: StackName, procedure: Record<string, unknown> = {}): LoadedConfig {
  const raw = rawStackConfig(stack, (config) => {
    config["kernelci:procedure"] = { ...(config["kernelci:procedure"] as object), ...procedure };
  });
  const parsed = parseStackConfig(raw, isSecretConfigKey, `Pulumi.${stack}.yaml`);
  const loaded: Record<string, unknown> = { ...parsed };
  for (const section of secretSections) loaded[section] = pulumi.secret(parsed[section]);
  return loaded as LoadedConfig;
}

/** Stands for the KernelciEnvironment: what the procedure orders itself around. */
class Environment extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super("test:index:Environment", name, {}, opts);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 50));

async function wire(config: LoadedConfig) {
  const { afterRollout, beforeRollout, rolloutKey } = await import("../../components/procedure");
  const key = rolloutKey(config, ["head-sha"]);
  const before = beforeRollout("kci", config, key);
  const env = new Environment("env", { dependsOn: before.rolloutAfter });
  const after = afterRollout("kci", config, key, [env], before);
  await settle();
  return { before, after, key };
}

const byName = (suffix: string) => registered.find((r) => r.name.endsWith(suffix));

describe("the procedure around the rollout", () => {
  it("production: drain before the environment (kubectl on its context), then revision and verdict", async () => {
    const { before, after } = await wire(stackConfig("production"));
    expect(before.rolloutAfter).toEqual([before.drain]);
    expect(byName("-drain")?.inputs).toMatchObject({
      trigger: { namespace: "kernelci-pipeline", name: "trigger" },
      scaler: { kubeconfig: null, context: "kernelci-api-1" },
      timeoutMinutes: 90,
      force: false,
      legacy: null,
    });
    expect(byName("-kernel-test-revision")?.inputs).toMatchObject({
      branchPrefix: "",
      trees: [{ name: "kernelci.org", branch: "linux-6.18.y" }],
    });
    expect(await promiseOf(after.pipeCleaner?.commit as pulumi.Output<string>)).toBe("c0ffee");
    expect(byName("-pipe-cleaner")?.inputs).toMatchObject({
      // Pulumi.production.yaml: a tree of its own, which the production trigger (--trees=!kernelci) watches.
      tree: "kernelci-deploy",
      maxCountDropPercent: 10,
      maxPassRateDropPoints: 5,
      timeoutMinutes: 180,
      pauseHint:
        "kubectl --context kernelci-api-1 -n kernelci-pipeline scale deployment/trigger --replicas=0",
    });
    // Order is expressed by dependencies: the environment waits for the drain; the trigger is
    // resumed after the environment, and the revision after that.
    expect(registered.map((r) => r.name)).toEqual([
      "kci-drain",
      "env",
      "kci-trigger-resume",
      "kci-kernel-test-revision",
      "kci-pipe-cleaner",
    ]);
  });

  it("staging: no drain; a full cycle adds the revision and the verdict, a partial one does not", async () => {
    const full = await wire(stackConfig("staging"));
    expect(full.before.rolloutAfter).toEqual([]);
    expect(registered.map((r) => r.name)).toEqual(["env", "kci-kernel-test-revision", "kci-pipe-cleaner"]);
    registered.length = 0;
    const partial = await wire(stackConfig("staging", { cycle: "partial" }));
    expect(partial.after).toEqual({});
    expect(registered.map((r) => r.name)).toEqual(["env"]);
  });

  it("the local stack scales the trigger on its local cluster, with paths from the project root", async () => {
    await wire(
      stackConfig("local", {
        kernelciApiUrl: "http://127.0.0.1:8901/",
        drain: { enabled: true },
        kernel: {
          remote: ".local/kernel/linux.git",
          branchPrefix: "staging-",
          trees: [{ name: "mainline", url: ".local/kernel/upstream", branch: "master" }],
        },
        pipeCleaner: { enabled: true },
      }),
    );
    const drain = byName("-drain")?.inputs as { scaler: { kubeconfig: string; context: null } };
    expect(drain.scaler).toEqual({
      kubeconfig: expect.stringMatching(/^\/.*\/\.local\/cluster\/kubeconfig$/),
      context: null,
    });
    expect(byName("-kernel-test-revision")?.inputs.remote).toMatch(/^\/.*\.local\/kernel\/linux\.git$/);
    expect(byName("-pipe-cleaner")?.inputs.pauseHint).toBe(
      `kubectl --kubeconfig ${drain.scaler.kubeconfig} -n kernelci-pipeline scale deployment/trigger --replicas=0`,
    );
  });

  it("drains and revises again only when the rollout changes", async () => {
    const config = stackConfig("production");
    const { rolloutKey } = await import("../../components/procedure");
    const a = await promiseOf(rolloutKey(config, ["sha-1"]));
    expect(await promiseOf(rolloutKey(config, ["sha-1"]))).toBe(a);
    expect(await promiseOf(rolloutKey(config, ["sha-2"]))).not.toBe(a);
    expect(
      await promiseOf(
        rolloutKey(stackConfig("production", { drain: { enabled: true, timeoutMinutes: 5 } }), ["sha-1"]),
      ),
    ).toBe(a);
  });

  it("the procedure configuration names every missing dependency at once", () => {
    const missing = { kernelciApiUrl: undefined, kernel: undefined };
    expect(() =>
      stackConfig("local", { ...missing, drain: { enabled: true }, pipeCleaner: { enabled: true } }),
    ).toThrow(
      /procedure\.kernelciApiUrl: required: procedure\.drain\.enabled.*\n.*procedure\.kernelciApiUrl: required: procedure\.pipeCleaner.*\n.*procedure\.kernel: required/,
    );
  });
});

describe("the dynamic providers", () => {
  const providers = {
    Drain: drainProvider,
    TriggerResume: triggerResumeProvider,
    PipeCleaner: pipeCleanerProvider,
    KernelTestRevision: kernelTestRevisionProvider,
    RootfsBuild: rootfsBuildProvider,
    JenkinsSeed: jenkinsSeedProvider,
  };
  it.each(Object.entries(providers))(
    "%s serializes to plain values and a module path, not module graphs",
    async (_, provider) => {
      const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
      expect(serialized.text).toMatch(/\/lib\/(kernelci|kernel|jenkins|actions)\//);
      expect(serialized.text).not.toMatch(/simple-git|@octokit|node-fetch|zod/);
      expect(serialized.containsSecrets).toBe(false);
    },
  );
});
