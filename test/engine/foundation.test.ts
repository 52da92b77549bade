import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { parseAllDocuments } from "yaml";
import { localStack, renderDirOf } from "../support/engine";

// The real engine through the Automation API: the local stack is the embedded default.
describe("the local stack on the real engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-foundation-"));
  const rendered = path.join(renderDirOf(dir), "1-manifest");
  let stack: Stack;

  beforeAll(async () => {
    stack = await localStack("local", dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("comes up with no network and no cluster, rendering parseable manifests", async () => {
    const result = await stack.up();
    expect(result.summary.result).toBe("succeeded");
    const files = fs.readdirSync(rendered).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(rendered, file), "utf8"))) {
        expect(doc.errors).toEqual([]);
        expect(doc.toJS()).toHaveProperty("kind");
      }
    }
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
