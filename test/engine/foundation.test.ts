import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { parse, parseAllDocuments } from "yaml";
import { type Simulator, startSimulator } from "../../local/kernelciSimulator/server";
import { ensureKernelFixture } from "../../local/kernelFixture";
import { localStack, renderDirOf, repoRoot } from "../support/engine";

// The main job on the real engine through the Automation API: the local stack, the embedded
// default, runs a full cycle against the KernelCI API simulator, as scripts/up-local does.
describe("the local stack on the real engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-foundation-"));
  const rendered = path.join(renderDirOf(dir), "1-manifest");
  let stack: Stack;
  let simulator: Simulator;

  beforeAll(async () => {
    const localProcedure = parse(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")).config[
      "kernelci:procedure"
    ];
    const kernel = ensureKernelFixture(path.join(dir, "kernel"));
    stack = await localStack("local", dir);
    const token = (await stack.getConfig("kernelci:secrets.apiToken", true)).value;
    simulator = await startSimulator({
      token,
      scenario: "happy",
      watch: [{ remote: kernel.remote, tree: "kernelci" }],
    });
    stack = await localStack("local", dir, {
      "kernelci:procedure": {
        ...localProcedure,
        kernelciApiUrl: simulator.url,
        kernel: {
          ...localProcedure.kernel,
          remote: kernel.remote,
          trees: [{ ...localProcedure.kernel.trees[0], url: kernel.upstream }],
        },
        pipeCleaner: { ...localProcedure.pipeCleaner, reportFile: path.join(dir, "pipe-cleaner.md") },
      },
    });
  });
  afterAll(async () => {
    await simulator?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs a full cycle with no network and no cluster: merge, render, revision, verdict", async () => {
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    const heads = result.outputs.stagingHeads?.value as Record<string, string>;
    expect(Object.keys(heads).sort()).toEqual(["kernelci-api", "kernelci-core", "kernelci-pipeline"]);
    const files = fs.readdirSync(rendered).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(rendered, file), "utf8"))) {
        expect(doc.errors).toEqual([]);
        expect(doc.toJS()).toHaveProperty("kind");
      }
    }
    expect(result.outputs.kernelTestRevision?.value).toMatchObject({ tree: "mainline" });
    expect(fs.readFileSync(path.join(dir, "pipe-cleaner.md"), "utf8")).toMatch(/\|/);
  }, 600_000);

  it("reports no change on a second run", async () => {
    await stack.preview({ expectNoChanges: true });
    const again = await stack.up();
    const changed = Object.entries(again.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
    expect(changed).toEqual([]);
  }, 600_000);

  it("destroys everything but the volumes that keep data", async () => {
    await stack.destroy();
    const state = await stack.exportStack();
    expect(state.deployment.resources ?? []).toEqual([]);
    const left = fs.existsSync(rendered) ? fs.readdirSync(rendered) : [];
    expect(left.filter((f) => !f.startsWith("v1-persistentvolumeclaim-"))).toEqual([]);
  }, 600_000);
});
