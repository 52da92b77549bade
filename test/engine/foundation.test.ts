import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { type Simulator, startSimulator } from "../../local/kernelciSimulator/server";
import { ensureKernelFixture } from "../../local/kernelFixture";
import { podsByDeployment, startCluster, type TestCluster, unavailableDeployments } from "../support/cluster";
import { localStack, repoRoot } from "../support/engine";
import { PULUMI_SECRET_SIGNATURE, runProgram, type StackName } from "../support/mockProgram";

const localFile = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")).config as Record<
  string,
  // biome-ignore lint/suspicious/noExplicitAny: the stack file's sections, read as they are
  any
>;
const namespaces = Object.values(localFile["kernelci:kubernetes"].namespaces) as string[];

// One control plane for this file (scripts/cluster): the main job and the server-side checks.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-foundation-"));
let cluster: TestCluster;
beforeAll(() => {
  cluster = startCluster(dir);
}, 120_000);
afterAll(() => {
  cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The main job on the real engine through the Automation API: the local stack, the embedded
// default, runs a full cycle against the KernelCI API simulator into a real API server, as
// scripts/up-local does.
describe("the local stack on a real API server", () => {
  let stack: Stack;
  let simulator: Simulator;
  let stagingHeads: Record<string, string> = {};

  beforeAll(async () => {
    const procedure = localFile["kernelci:procedure"];
    const kernel = ensureKernelFixture(path.join(dir, "kernel"));
    stack = await localStack("local", dir, {}, cluster.kubeconfig);
    const token = (await stack.getConfig("kernelci:secrets.apiToken", true)).value;
    simulator = await startSimulator({
      token,
      scenario: "happy",
      watch: [{ remote: kernel.remote, tree: "kernelci" }],
    });
    stack = await localStack(
      "local",
      dir,
      {
        "kernelci:procedure": {
          ...procedure,
          kernelciApiUrl: simulator.url,
          kernel: {
            ...procedure.kernel,
            remote: kernel.remote,
            trees: [{ ...procedure.kernel.trees[0], url: kernel.upstream }],
          },
          pipeCleaner: { ...procedure.pipeCleaner, reportFile: path.join(dir, "pipe-cleaner.md") },
        },
      },
      cluster.kubeconfig,
    );
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
  });

  it("runs a full cycle: merge, deploy (every Deployment available, every claim bound), revision, verdict", async () => {
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    const heads = result.outputs.stagingHeads?.value as Record<string, string>;
    stagingHeads = heads;
    expect(Object.keys(heads).sort()).toEqual(["kernelci-api", "kernelci-core", "kernelci-pipeline"]);

    const deployments = await Promise.all(
      namespaces.map((namespace) => cluster.apps.listNamespacedDeployment({ namespace })),
    );
    expect(deployments.flatMap((l) => l.items).length).toBeGreaterThanOrEqual(13);
    expect(await unavailableDeployments(cluster, namespaces)).toEqual([]);
    const claims = (await cluster.core.listPersistentVolumeClaimForAllNamespaces()).items;
    expect(claims.length).toBeGreaterThanOrEqual(7);
    expect(claims.filter((c) => c.status?.phase !== "Bound").map((c) => c.metadata?.name)).toEqual([]);
    // Bound to hostPath volumes the local provisioner made under the cluster's directory.
    const volumes = (await cluster.core.listPersistentVolume()).items;
    for (const v of volumes) expect(fs.existsSync(v.spec?.hostPath?.path as string)).toBe(true);
    const sets = (
      await Promise.all(namespaces.map((namespace) => cluster.apps.listNamespacedStatefulSet({ namespace })))
    )
      .flatMap((l) => l.items)
      .filter((s) => s.status?.readyReplicas !== s.spec?.replicas);
    expect(sets).toEqual([]);

    expect(result.outputs.kernelTestRevision?.value).toMatchObject({ tree: "mainline" });
    expect(fs.readFileSync(path.join(dir, "pipe-cleaner.md"), "utf8")).toMatch(/\|/);
  }, 600_000);

  it("reports no change on a second run", async () => {
    await stack.preview({ expectNoChanges: true });
    const again = await stack.up();
    const changed = Object.entries(again.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
    expect(changed).toEqual([]);
  }, 600_000);

  it("a config-only change restarts exactly the pods that mount that config", async () => {
    // The config/ directory deployed (the kernelci-pipeline staging head's), one line longer.
    const configRoot = path.join(dir, "pipeline-config");
    fs.mkdirSync(configRoot);
    const tree = execFileSync("git", [
      "--git-dir",
      path.join(dir, "forge", "kernelci-pipeline.git"),
      "archive",
      stagingHeads["kernelci-pipeline"],
      "config",
    ]);
    execFileSync("tar", ["-x", "-C", configRoot], { input: tree });
    const configDir = path.join(configRoot, "config");
    fs.appendFileSync(
      path.join(configDir, "jobs.yaml"),
      "\n# A config-only change: the ConfigMap holds this line.\n",
    );
    const before = await podsByDeployment(cluster, namespaces);
    (stack.workspace as LocalWorkspace).envVars.KCI_PIPELINE_CONFIG_DIR = configDir;
    await stack.up();
    const after = await podsByDeployment(cluster, namespaces);

    const pipelineNs = localFile["kernelci:kubernetes"].namespaces.pipeline;
    const mounting = (await cluster.apps.listNamespacedDeployment({ namespace: pipelineNs })).items
      .filter((d) =>
        d.spec?.template.spec?.containers.some((c) => c.volumeMounts?.some((m) => m.mountPath === "/config")),
      )
      .map((d) => `${pipelineNs}/${d.metadata?.name}`)
      .sort();
    expect(mounting.length).toBeGreaterThan(0);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    const restarted = Object.keys(after)
      .filter((key) => after[key].some((uid) => !before[key].includes(uid)))
      .sort();
    expect(restarted).toEqual(mounting);
    for (const key of mounting) expect(after[key].filter((uid) => before[key].includes(uid))).toEqual([]);
  }, 600_000);

  it("an object the API server refuses fails the update, naming the object", async () => {
    // The stack's own validation lets a host name start with "-"; an Ingress may not.
    stack = await localStack(
      "local",
      dir,
      {
        "kernelci:api": { ...localFile["kernelci:api"], host: "-api.kernelci.localhost" },
        "kernelci:procedure": { ...localFile["kernelci:procedure"], pipeCleaner: { enabled: false } },
      },
      cluster.kubeconfig,
    );
    const failure = await stack.up().then(
      () => "",
      (error: unknown) => String(error),
    );
    expect(failure).toMatch(/Ingress[^\n]*api[\s\S]*is invalid[\s\S]*-api\.kernelci\.localhost/);
  }, 600_000);
});

function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (PULUMI_SECRET_SIGNATURE in record) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/**
 * A stack's Kubernetes objects as its program (under mocks) gives them to the provider, moved
 * to namespaces `<prefix>-<namespace>` (apart from the local stack's objects of the same names).
 */
async function programObjects(
  stack: StackName,
  overrides: Record<string, unknown>,
  prefix: string,
): Promise<k8s.KubernetesObject[]> {
  const saved = process.env.KCI_PIPELINE_CONFIG_DIR;
  const moved = (ns: string | undefined) => ns && `${prefix}-${ns}`;
  try {
    const { resources } = await runProgram(stack, overrides);
    return resources
      .filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind !== undefined)
      .map((r) => unwrapSecrets(r.inputs) as k8s.KubernetesObject)
      .map((o) =>
        o.kind === "Namespace"
          ? { ...o, metadata: { ...o.metadata, name: moved(o.metadata?.name) } }
          : { ...o, metadata: { ...o.metadata, namespace: moved(o.metadata?.namespace) } },
      );
  } finally {
    if (saved === undefined) delete process.env.KCI_PIPELINE_CONFIG_DIR;
    else process.env.KCI_PIPELINE_CONFIG_DIR = saved;
  }
}

// Staging and production's objects, from the mock-based program, checked by the real API
// server with a server-side dry run: fields, names and values a cluster would refuse.
describe("staging and production objects on a real API server (server-side dry run)", () => {
  const dryRun = async (stack: StackName, overrides: Record<string, unknown> = {}) => {
    const objects = await programObjects(stack, overrides, `dry-${stack}`);
    const refused: string[] = [];
    // Namespaced objects need their namespace to exist, even in a dry run.
    for (const ns of objects.filter((o) => o.kind === "Namespace")) {
      await cluster.objects.create(ns).catch((error) => {
        if ((error as { code?: number }).code !== 409) throw error;
      });
    }
    for (const object of objects.filter((o) => o.kind !== "Namespace")) {
      await cluster.objects
        .patch(object, undefined, "All", "kci-dry-run", true, k8s.PatchStrategy.ServerSideApply)
        .catch((error: { body?: string; message?: string }) =>
          refused.push(
            `${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}: ${error.body ?? error.message}`,
          ),
        );
    }
    return { objects, refused };
  };

  it("accepts every object of production", async () => {
    const { objects, refused } = await dryRun("production");
    expect(objects.length).toBeGreaterThan(20);
    expect(refused).toEqual([]);
  }, 120_000);

  it("accepts every object of staging", async () => {
    const { objects, refused } = await dryRun("staging", { "kernelci:staging": undefined });
    expect(objects.length).toBeGreaterThan(20);
    expect(refused).toEqual([]);
  }, 120_000);
});
