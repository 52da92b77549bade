import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parseAllDocuments } from "yaml";
import { localStack, renderDirOf } from "../support/engine";

/** The local stack's secret config values (Pulumi.local.yaml, passphrase kernelci-local-only). */
const localDummyValues = [
  "local-api-secret-key",
  "local-admin-password",
  "local-api-token",
  "local-storage-jwt-secret",
  "local-jenkins-password",
  "local-lab-token",
  "local-lab-callback-token",
];

const clusterScoped = new Set(["Namespace"]);
type Manifest = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
} & Record<string, unknown>;

// The real engine renders the whole local environment to a directory (no cluster, no docker).
describe("the local environment on the real engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-environment-"));
  const configDir = path.join(dir, "pipeline-config");
  const rendered = path.join(renderDirOf(dir), "1-manifest");
  let stack: Stack;

  beforeAll(async () => {
    fs.cpSync(path.join(__dirname, "../../local/kernelci-pipeline/config"), configDir, { recursive: true });
    stack = await localStack("local", dir);
    (stack.workspace as LocalWorkspace).envVars.KCI_PIPELINE_CONFIG_DIR = configDir;
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const manifests = (): Manifest[] =>
    fs
      .readdirSync(rendered)
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) =>
        parseAllDocuments(fs.readFileSync(path.join(rendered, f), "utf8")).map((d) => d.toJS()),
      );

  it("renders every object with apiVersion, kind, name and namespace", async () => {
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    const objects = manifests();
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(["Deployment", "StatefulSet", "ConfigMap", "Secret", "Ingress"]),
    );
    const incomplete = objects
      .filter(
        (o) =>
          !o.apiVersion ||
          !o.kind ||
          !o.metadata?.name ||
          (!clusterScoped.has(o.kind) && !o.metadata.namespace),
      )
      .map((o) => `${o.kind} ${o.metadata?.name}`);
    expect(incomplete).toEqual([]);
    const services = result.outputs.services.value as { name: string }[];
    expect(services.map((s) => s.name)).toEqual(
      expect.arrayContaining(["api", "trigger", "tarball", "jenkins"]),
    );
  }, 600_000);

  it("puts only the documented local dummy values into Secrets", () => {
    const values = manifests()
      .filter((o) => o.kind === "Secret")
      .flatMap((o) => Object.values((o.data ?? {}) as Record<string, string>))
      .map((v) => Buffer.from(v, "base64").toString("utf8"));
    expect(values.length).toBeGreaterThan(0);
    const text = values.join("\n");
    for (const value of localDummyValues) expect(text).toContain(value);
    // Any other secret-looking value would come from somewhere undocumented.
    const unexpected = (text.match(/local-[a-z-]+/g) ?? []).filter((v) => !localDummyValues.includes(v));
    expect(unexpected).toEqual([]);
  });

  it("reports no change on a second run", async () => {
    await stack.preview({ expectNoChanges: true });
  }, 600_000);

  it("shows a config-only change as one ConfigMap update plus the Deployments that mount it", async () => {
    fs.appendFileSync(path.join(configDir, "jobs.yaml"), "\n  - job: kver\n    event: {}\n");
    const steps: { op: string; type: string; name: string }[] = [];
    await stack.preview({
      onEvent: (event: EngineEvent) => {
        const meta = event.resourcePreEvent?.metadata;
        if (meta && meta.op !== "same") {
          steps.push({
            op: meta.op,
            type: meta.type,
            name: meta.urn.split("::").pop() ?? "",
          });
        }
      },
    });
    const mounting = manifests()
      .filter((o) => o.kind === "Deployment" && JSON.stringify(o).includes('"mountPath":"/config"'))
      .map((o) => `local-pipeline-${o.metadata?.name}`)
      .sort();
    expect(steps.filter((s) => s.op !== "update")).toEqual([]);
    expect(steps.filter((s) => s.type === "kubernetes:core/v1:ConfigMap").map((s) => s.name)).toEqual([
      "local-pipeline-config",
    ]);
    const deployments = steps.filter((s) => s.type === "kubernetes:apps/v1:Deployment");
    expect(deployments.map((s) => s.name).sort()).toEqual(mounting);
    expect(steps).toHaveLength(1 + mounting.length);
  }, 600_000);

  it("destroys everything it rendered but the volumes holding data (retained on delete)", async () => {
    await stack.destroy();
    expect(fs.existsSync(rendered) ? fs.readdirSync(rendered).sort() : []).toEqual([
      "v1-persistentvolumeclaim-kernelci-api-kernelci-storage-data.yaml",
      "v1-persistentvolumeclaim-kernelci-pipeline-tarball-data.yaml",
    ]);
  }, 600_000);
});
