import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, Stack, StepEventMetadata } from "@pulumi/pulumi/automation";
import { addLocalPull } from "../../local/forge";
import { git, pullEntry } from "../../local/gitFixtures";
import { localStack } from "../support/engine";

const BRANCH_TYPE = "pulumi-nodejs:dynamic/kernelci:StagingBranch";

// The local stack on the real engine, with its own copy of the fixture forge: the staging
// branches are merged and pushed once, a second `up` changes nothing, and a new PR shows up in
// `preview` as exactly that PR entering.
describe("staging branches on the real engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-staging-engine-"));
  const forge = path.join(dir, "forge");
  let stack: Stack;

  beforeAll(async () => {
    // localStack puts this stack's own copy of the local forge in `forge`.
    stack = await localStack("local", dir);
  }, 120_000);
  afterAll(async () => {
    await stack?.destroy().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  const branchOf = (repo: string) =>
    git(path.join(forge, `${repo}.git`), [
      "rev-parse",
      "--verify",
      "-q",
      "refs/heads/staging.kernelci.org",
    ]).trim();

  it("merges and pushes on the first up, and changes nothing on the second", async () => {
    const first = await stack.up();
    expect(first.summary.result).toBe("succeeded");
    const heads = first.outputs.stagingHeads.value as Record<string, string>;
    for (const repo of ["kernelci-core", "kernelci-api", "kernelci-pipeline"])
      expect(heads[repo]).toBe(branchOf(repo));
    const core = git(path.join(forge, "kernelci-core.git"), [
      "show",
      "refs/heads/staging.kernelci.org:config/core/staging.yaml",
    ]);
    expect(core).toBe("bisection_emails: false\n");
    const snapshot = () => git(path.join(forge, "kernelci-core.git"), ["for-each-ref"]);
    const before = snapshot();

    const second = await stack.up();
    const changed = Object.entries(second.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
    expect(changed).toEqual([]);
    expect(snapshot()).toBe(before);
  }, 600_000);

  it("previews exactly a new PR entering the branch of its repository", async () => {
    addLocalPull(forge, "kernelci-api", pullEntry(2003, { author: "gctucker", title: "api: new PR" }), {
      "api/new.py": "NEW = True\n",
    });
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    const steps = events
      .map((e) => e.resourcePreEvent?.metadata)
      .filter((m): m is StepEventMetadata => m?.type === BRANCH_TYPE);
    const ops = Object.fromEntries(steps.map((m) => [m.urn.split("::").pop(), m.op]));
    expect(ops).toEqual({ "kernelci-core": "same", "kernelci-api": "update", "kernelci-pipeline": "same" });
    const api = steps.find((m) => m.urn.endsWith("::kernelci-api"));
    const numbers = (inputs: Record<string, unknown> | undefined) =>
      ((inputs?.eligible ?? []) as { number: number }[]).map((e) => e.number);
    expect(numbers(api?.new?.inputs)).toEqual([...numbers(api?.old?.inputs), 2003]);
    // Dynamic providers report no property diffs: compare the inputs as preview displays them.
    const changedInputs = Object.keys(api?.new?.inputs ?? {}).filter(
      (key) => JSON.stringify(api?.new?.inputs[key]) !== JSON.stringify(api?.old?.inputs[key]),
    );
    expect(changedInputs).toEqual(["eligible"]);
    expect(Object.entries(preview.changeSummary).filter(([op]) => op !== "same")).toEqual([["update", 1]]);
  }, 600_000);
});
