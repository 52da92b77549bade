import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onePullRequestRemote } from "../support/stagingFixture";

// scripts/build.js is plain JavaScript (it builds the TypeScript): typed here by hand.
const build = require("../../scripts/build") as {
  root: string;
  listSources: () => string[];
  ensureBuilt: (log?: (line: string) => void) => boolean;
  compiledPath: (source: string) => string;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-build-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const node = (script: string) =>
  execFileSync(process.execPath, ["-e", script], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, NODE_PATH: path.join(build.root, "node_modules") },
  });

describe("the compiled JavaScript under dist/", () => {
  beforeAll(() => build.ensureBuilt());

  it("covers every top-level source folder, tests excepted, and is fresh after ensureBuilt", () => {
    const sources = build.listSources();
    expect(sources).toEqual(expect.arrayContaining(["index.ts", "cli/main.ts", "lib/staging/assemble.ts"]));
    expect(sources.filter((s) => s.endsWith(".test.ts"))).toEqual([]);
    for (const source of sources) expect(fs.existsSync(build.compiledPath(source))).toBe(true);
    expect(build.ensureBuilt()).toBe(false);
  });

  it("maps stack traces to the TypeScript lines", () => {
    // findProjectRoot throws, naming its argument, outside any project.
    const out = node(
      `process.setSourceMapsEnabled(true);
       try { require(${JSON.stringify(build.compiledPath("lib/project.ts"))}).findProjectRoot("/") }
       catch (e) { process.stdout.write(e.stack) }`,
    );
    expect(out).toMatch(/no package\.json above \//);
    expect(out).toMatch(/lib\/project\.ts:\d+:\d+/);
  });

  it("runs a serialized provider without a compiler, loading its engine once and only to apply", () => {
    const { inputs } = onePullRequestRemote(dir);
    const provider = path.join(dir, "provider.js");
    // Serialized as the engine does it, from the compiled program.
    node(
      `const pulumi = require("@pulumi/pulumi");
       const { stagingBranchProvider } = require(${JSON.stringify(build.compiledPath("providers/stagingBranch.ts"))});
       pulumi.runtime.serializeFunction(() => stagingBranchProvider, { allowSecrets: false })
         .then((s) => require("fs").writeFileSync(${JSON.stringify(provider)}, s.text));`,
    );
    // A fresh process, as the engine's provider host: a diff, then two creates.
    const loaded = JSON.parse(
      node(
        `const p = require(${JSON.stringify(provider)}).handler();
         const inputs = ${JSON.stringify(inputs)};
         const modules = () => Object.keys(require.cache).filter((f) => f.includes("/dist/") || /ts-node|typescript/.test(f));
         (async () => {
           const diff = await p.diff("id", inputs, { ...inputs, eligible: [] });
           const afterDiff = modules();
           const first = await p.create(inputs);
           const afterCreate = modules();
           const second = await p.create(inputs);
           process.stdout.write(JSON.stringify({ diff, afterDiff, afterCreate, afterSecond: modules(),
             pushed: [first.outs.pushed, second.outs.pushed] }));
         })();`,
      ),
    );
    expect(loaded.diff.changes).toBe(true);
    expect(loaded.pushed).toEqual([true, false]);
    const names = (files: string[]) =>
      files.map((f) => path.relative(path.join(build.root, "dist"), f)).sort();
    // diff is decided by the serialized code alone; apply loads the engine, once, and no compiler.
    expect(names(loaded.afterDiff)).toEqual([]);
    expect(names(loaded.afterCreate)).toContain("lib/staging/assemble.js");
    expect(loaded.afterCreate.filter((f: string) => /ts-node|typescript/.test(f))).toEqual([]);
    expect(loaded.afterSecond).toEqual(loaded.afterCreate);
  });
});
