import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isPinned } from "../../components/imageNames";
import { checksumAnnotations } from "../../pipeline/configChecksum";
import { type Registered, redactPulumiSecrets, runProgram } from "../support/mockProgram";

const key = (type: string, name: string) => `${type}::${name}`;

// Staging branch assembly asks the forge (GitHub) for PRs while the program runs: out of scope
// here and offline, so these runs leave it out; the environment does not depend on it.
const withoutForge = { "kernelci:staging": undefined };

const workloadKinds = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
type PodSpec = { containers: Container[]; initContainers?: Container[] };
type Container = {
  name: string;
  image: string;
  resources?: { requests?: object; limits?: object };
  readinessProbe?: object;
  livenessProbe?: object;
};
const podSpec = (r: Registered) => (r.inputs as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const podAnnotations = (r: Registered) =>
  (r.inputs as { spec: { template: { metadata: { annotations?: Record<string, string> } } } }).spec.template
    .metadata.annotations ?? {};
const k8sName = (r: Registered) => (r.inputs as { metadata: { name: string } }).metadata.name;
const namespaceOf = (r: Registered) =>
  (r.inputs as { metadata?: { namespace?: string } }).metadata?.namespace;
const ofType = (resources: Registered[], type: string) => resources.filter((r) => r.type === type);
const names = (resources: Registered[], type: string) => ofType(resources, type).map(k8sName).sort();

// Deployments as upstream runs them: kernelci-pipeline kube/aks/*.yaml (production) and
// docker-compose*.yaml (staging: job-retry, kcidb), kernelci-api kube/aks/*.yaml.
const pipelineServiceNames = [
  "closing",
  "holdoff",
  "lava-callback",
  "monitor",
  "patchset",
  "pipeline-kcidb",
  "scheduler-k8s",
  "scheduler-lava",
  "scheduler-shell",
  "tarball",
  "timeout",
  "trigger",
];
// The images of kernelci-core .github/workflows/docker_images.yml: 4 kernelci images, compilers
// (gcc-14 x 10 arches, clang-21 x 6, gcc-15 x 3) and 6 others (gcc-14 kunit, k8s, qemu, buildroot,
// debos, cvehound).
const builtImages = 4 + 10 + 6 + 3 + 6;
const expected = {
  staging: {
    deployments: [
      ...pipelineServiceNames,
      "api",
      "job-retry",
      "kcibot",
      "kernelci-backend",
      "kernelci-frontend",
      "kernelci-storage",
    ].sort(),
    statefulSets: ["jenkins", "mongo", "mongo", "redis", "redis"],
    namespaces: ["kernelci-api", "kernelci-bot", "kernelci-legacy", "kernelci-pipeline"],
    dockerImages: builtImages,
  },
  production: {
    deployments: [...pipelineServiceNames, "api", "kernelci-storage"].sort(),
    statefulSets: ["mongo", "redis"],
    namespaces: ["kernelci-api", "kernelci-pipeline"],
    dockerImages: builtImages,
  },
};

describe.each(["staging", "production"] as const)("the %s environment", (stack) => {
  let resources: Registered[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources, outputs } = await runProgram(stack, withoutForge));
  });
  const workloads = () => resources.filter((r) => workloadKinds.includes(r.type));

  it("declares the expected kinds and counts of resources", () => {
    expect(names(resources, "kubernetes:apps/v1:Deployment")).toEqual(expected[stack].deployments);
    expect(names(resources, "kubernetes:apps/v1:StatefulSet")).toEqual(expected[stack].statefulSets);
    expect(names(resources, "kubernetes:core/v1:Namespace")).toEqual(expected[stack].namespaces);
    expect(ofType(resources, "docker:index/image:Image")).toHaveLength(expected[stack].dockerImages);
    expect(names(resources, "kubernetes:core/v1:ConfigMap")).toEqual(
      stack === "staging" ? ["jenkins-casc", "pipeline-configmap"] : ["pipeline-configmap"],
    );
    // One Service and one Ingress per HTTP entry point
    const ingresses = names(resources, "kubernetes:networking.k8s.io/v1:Ingress");
    expect(ingresses).toEqual(
      stack === "staging"
        ? [
            "api",
            "jenkins",
            "kcibot",
            "kernelci-backend",
            "kernelci-frontend",
            "kernelci-storage",
            "lava-callback",
          ]
        : ["api", "kernelci-storage", "lava-callback"],
    );
  });

  it("gives every container requests, limits and probes, and every init container resources", () => {
    for (const workload of workloads()) {
      const spec = podSpec(workload);
      for (const c of spec.containers) {
        expect({
          workload: k8sName(workload),
          c: c.name,
          requests: c.resources?.requests,
          limits: c.resources?.limits,
        }).toEqual(expect.objectContaining({ requests: expect.any(Object), limits: expect.any(Object) }));
        expect(c.readinessProbe).toBeDefined();
        expect(c.livenessProbe).toBeDefined();
      }
      for (const c of spec.initContainers ?? []) expect(c.resources?.limits).toBeDefined();
    }
  });

  it("puts secret values only into Kubernetes Secrets", () => {
    // A Pulumi secret (kept encrypted in state) is allowed.
    const leaks = resources
      .filter((r) => r.type !== "kubernetes:core/v1:Secret")
      .filter((r) => JSON.stringify(redactPulumiSecrets(r.inputs)).includes("5ecret"))
      .map((r) => `${r.type} ${r.name}`);
    expect(leaks).toEqual([]);
    const secrets = JSON.stringify(ofType(resources, "kubernetes:core/v1:Secret").map((r) => r.inputs));
    for (const planted of [
      "apiSecretKey",
      "adminPassword",
      "apiToken",
      "storageJwtSecret",
      "lava-collabora-token",
    ]) {
      expect(secrets).toContain(`PLANTED-${planted}-5ecret`);
    }
  });

  it("pins every image of every pod to a digest", () => {
    const unpinned = workloads().flatMap((w) => {
      const spec = podSpec(w);
      return [...spec.containers, ...(spec.initContainers ?? [])]
        .filter((c) => !isPinned(c.image))
        .map((c) => `${k8sName(w)}/${c.name}: ${c.image}`);
    });
    expect(unpinned).toEqual([]);
  });

  it("updates the trigger after every other API and pipeline resource", () => {
    const trigger = resources.find(
      (r) => r.type === "kubernetes:apps/v1:Deployment" && k8sName(r) === "trigger",
    );
    const deps = new Set(trigger?.dependencies);
    const apiAndPipeline = resources.filter(
      (r) =>
        r.type.startsWith("kubernetes:") &&
        r !== trigger &&
        ["kernelci-api", "kernelci-pipeline"].includes(namespaceOf(r) ?? ""),
    );
    expect(apiAndPipeline.length).toBeGreaterThan(15);
    const missing = apiAndPipeline.filter((r) => !deps.has(r.urn)).map((r) => `${r.type} ${r.name}`);
    expect(missing).toEqual([]);
  });

  it("outputs the URLs, namespaces, images and services with their image", () => {
    expect(outputs.apiUrl).toMatch(/^https:\/\//);
    expect(outputs.callbackUrl).toMatch(/^https:\/\//);
    const services = outputs.services as { name: string; image: string }[];
    // kcibot deploys the environment; it is not one of its services.
    const kernelciServices = expected[stack].deployments.filter((d) => d !== "kcibot");
    expect(services.map((s) => s.name)).toEqual(expect.arrayContaining(kernelciServices));
    for (const s of services) expect(isPinned(s.image)).toBe(true);
    const images = outputs.images as Record<string, { reference: string; source?: { repo: string } }>;
    expect(images.pipeline.source?.repo).toBe("kernelci-pipeline");
  });
});

describe("the local environment", () => {
  it("builds no image and runs the configured tags", async () => {
    const { resources } = await runProgram("local");
    expect(resources.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
    const api = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && k8sName(r) === "api");
    expect(podSpec(api as Registered).containers[0].image).toBe(
      "docker.io/kernelci/staging-kernelci:api@sha256:1111111111111111111111111111111111111111111111111111111111111111",
    );
  });
});

describe("the config checksum annotation", () => {
  const fixture = path.join(__dirname, "../../local/kernelci-pipeline/config");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-config-"));
  afterAll(() => {
    delete process.env.KCI_PIPELINE_CONFIG_DIR;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function run(edit?: (dir: string) => void): Promise<Registered[]> {
    const dir = fs.mkdtempSync(path.join(tmp, "config-"));
    fs.cpSync(fixture, dir, { recursive: true });
    edit?.(dir);
    process.env.KCI_PIPELINE_CONFIG_DIR = dir;
    return (await runProgram("staging", withoutForge)).resources;
  }
  const byName = (resources: Registered[]) => new Map(resources.map((r) => [key(r.type, r.name), r]));

  it("changes exactly on the pods that mount a changed config, and nothing else changes", async () => {
    const before = byName(await run());
    const same = byName(await run());
    const after = byName(
      await run((dir) => fs.appendFileSync(path.join(dir, "jobs.yaml"), "\n  - job: kver\n    event: {}\n")),
    );
    const changed = (a: Map<string, Registered>) =>
      [...a]
        .filter(([k, r]) => JSON.stringify(r.inputs) !== JSON.stringify(before.get(k)?.inputs))
        .map(([, r]) => r);
    expect(changed(same)).toEqual([]);
    const mountsConfig = (r: Registered) =>
      JSON.stringify(podSpec(r).containers[0]).includes('"mountPath":"/config"');
    const pipelineDeployments = [...after.values()].filter(
      (r) => r.type === "kubernetes:apps/v1:Deployment" && namespaceOf(r) === "kernelci-pipeline",
    );
    const expectedChanged = [
      "pipeline-configmap",
      ...pipelineDeployments.filter(mountsConfig).map(k8sName),
    ].sort();
    expect(changed(after).map(k8sName).sort()).toEqual(expectedChanged);
    expect(pipelineDeployments.filter((r) => !mountsConfig(r)).map(k8sName)).toEqual(["pipeline-kcidb"]);
    for (const r of changed(after).filter((r) => r.type === "kubernetes:apps/v1:Deployment")) {
      const old = before.get(key(r.type, r.name)) as Registered;
      expect(podAnnotations(r)[checksumAnnotations.config]).not.toBe(
        podAnnotations(old)[checksumAnnotations.config],
      );
      // Only the annotation differs.
      const strip = (x: Registered) =>
        JSON.stringify(x.inputs).replace(podAnnotations(x)[checksumAnnotations.config], "");
      expect(strip(r)).toBe(strip(old));
    }
  });
});
