import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { StagingBranchInputs } from "../../lib/staging/assemble";
import { createLocalForge } from "../../local/forge";
import { type FixtureRemote, git, pullEntry, writePulls } from "../../local/gitFixtures";
import { stagingBranchProvider } from "../../providers/stagingBranch";
import { localStagingConfig } from "../support/engine";
import { runProgram } from "../support/mockProgram";
import { onePullRequestRemote } from "../support/stagingFixture";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-provider-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A one-repository forge and the inputs the program would pass for it. */
function fixture(name: string): { remote: FixtureRemote; inputs: StagingBranchInputs } {
  const made = onePullRequestRemote(path.join(dir, name), {
    skipped: [{ number: 2, reason: "untrusted", detail: "mallory" }],
    token: "PLANTED-token-5ecret",
  });
  writePulls(path.join(dir, name, "demo.pulls.json"), [pullEntry(1)]);
  return made;
}

describe("the StagingBranch provider, called directly", () => {
  const provider = stagingBranchProvider;

  it("checks its inputs", async () => {
    const { inputs } = fixture("check");
    expect((await provider.check?.({}, inputs))?.failures).toEqual([]);
    const bad = await provider.check?.({}, { ...inputs, base: "", eligible: "nope" });
    expect(bad?.failures?.map((f) => f.property)).toEqual(["base", "eligible"]);
  });

  it("creates: merges, pushes, and keeps the token out of its outputs", async () => {
    const { remote, inputs } = fixture("create");
    const created = await provider.create(inputs);
    expect(created.id).toBe("demo:staging.kernelci.org");
    expect(created.outs).toMatchObject({
      merged: [{ number: 1, head: inputs.eligible[0].head }],
      conflicts: [],
      pushed: true,
      tag: expect.stringMatching(/^staging-\d{8}\.0$/),
      eligible: inputs.eligible,
      base: inputs.base,
    });
    expect(created.outs.head).toBe(remote.resolve("refs/heads/staging.kernelci.org"));
    expect(JSON.stringify(created.outs)).not.toContain("PLANTED");
    expect(created.outs).not.toHaveProperty("token");
  });

  it("diffs: no change without a content change, an update when a PR enters, and update pushes it", async () => {
    const { remote, inputs } = fixture("diff");
    const { outs } = await provider.create(inputs);
    const retitled = { ...inputs, eligible: [{ ...inputs.eligible[0], title: "renamed" }], skipped: [] };
    expect(await provider.diff?.("id", outs, retitled)).toEqual({ changes: false, diffs: [] });
    const head2 = remote.pull(2, { "c.txt": "c\n" }, "PR 2");
    const entering = {
      ...inputs,
      eligible: [...inputs.eligible, { number: 2, head: head2, author: "bob", title: "PR 2" }],
    };
    expect(await provider.diff?.("id", outs, entering)).toEqual({ changes: true, diffs: ["eligible"] });
    const updated = await provider.update?.("id", outs, entering);
    expect(updated?.outs.merged.map((m: { number: number }) => m.number)).toEqual([1, 2]);
    expect(git(remote.dir, ["show", "refs/heads/staging.kernelci.org:c.txt"])).toBe("c\n");
  });

  it("reads the branch head as it is now, for a refresh", async () => {
    const { remote, inputs } = fixture("read");
    const { outs } = await provider.create(inputs);
    expect((await provider.read("id", outs)).props?.head).toBe(outs.head);
    remote.setRef("refs/heads/staging.kernelci.org", inputs.base);
    // No dated tag names that commit: the state must not keep claiming the old one.
    expect(await provider.read("id", outs)).toEqual({
      id: "id",
      props: { ...outs, head: inputs.base, tag: null },
    });
    git(remote.dir, ["update-ref", "-d", "refs/heads/staging.kernelci.org"]);
    expect((await provider.read("id", outs)).props?.head).toBeNull();
  });

  it("leaves the remote alone on delete", async () => {
    const { remote, inputs } = fixture("delete");
    const { outs } = await provider.create(inputs);
    const before = remote.snapshot();
    await provider.delete?.("id", outs);
    expect(remote.snapshot()).toBe(before);
  });
});

describe("the StagingBranch provider, serialized as the engine does it", () => {
  it("captures no module graph, only the engine's path, and runs on its own", async () => {
    const provider = stagingBranchProvider;
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
    expect(serialized.text.length).toBeLessThan(20_000);
    expect(serialized.text).toContain(path.resolve(__dirname, "../../lib/staging/assemble"));
    for (const heavy of ["simple-git", "octokit", "proper-lockfile", "@pulumi/pulumi", "zod"]) {
      expect(serialized.text.toLowerCase()).not.toContain(heavy);
    }
    // A fresh Node process, as the engine's provider host: load the text and call diff.
    const file = path.join(dir, "provider.js");
    fs.writeFileSync(file, serialized.text);
    const olds = { eligible: [{ number: 1, head: "a" }], base: "b" };
    const news = { ...olds, eligible: [{ number: 1, head: "c" }] };
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `require(${JSON.stringify(file)}).handler().diff("id", ${JSON.stringify(olds)}, ${JSON.stringify(news)})` +
          ".then((d) => process.stdout.write(JSON.stringify(d)))",
      ],
      // Like the engine's provider host, which resolves packages from the project.
      {
        cwd: os.tmpdir(),
        encoding: "utf8",
        env: { ...process.env, NODE_PATH: path.resolve(__dirname, "../../node_modules") },
      },
    );
    expect(JSON.parse(out)).toEqual({ changes: true, diffs: ["eligible"] });
  });
});

describe("the program's staging branches (mocks)", () => {
  it("plans one StagingBranch per repository from the local forge, with reasons for skipped PRs", async () => {
    const forge = path.join(dir, "forge");
    createLocalForge(forge);
    const { resources } = await runProgram("local", {
      "kernelci:staging": localStagingConfig(forge, path.join(dir, "work")),
    });
    const branches = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/kernelci:StagingBranch");
    expect(branches.map((b) => b.name).sort()).toEqual([
      "kernelci-api",
      "kernelci-core",
      "kernelci-pipeline",
    ]);
    const core = branches.find((b) => b.name === "kernelci-core")?.inputs as unknown as StagingBranchInputs;
    expect(core.eligible.map((e) => e.number)).toEqual([1001, 1002, 1006]);
    expect(core.skipped.map((s) => [s.number, s.reason])).toEqual([
      [1003, "untrusted"],
      [1004, "label"],
      [1005, "base"],
    ]);
    expect(core.patchesDigest).toMatch(/^sha256:/);
    expect(core.token).toBeUndefined();
    expect(core.base).toBe(git(path.join(forge, "kernelci-core.git"), ["rev-parse", "main"]).trim());
  });
});
