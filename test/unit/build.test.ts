import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

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
       try { require(${JSON.stringify(build.compiledPath("lib/projectRoot.ts"))}).findProjectRoot("/") }
       catch (e) { process.stdout.write(e.stack) }`,
    );
    expect(out).toMatch(/no package\.json above \//);
    expect(out).toMatch(/lib\/projectRoot\.ts:\d+:\d+/);
  });

  it("runs a serialized provider with no TypeScript compiler, loading its engine once, only what a call needs", () => {
    const provider = path.join(dir, "provider.js");
    // Serialized as the engine does it, from the compiled program.
    node(
      `const pulumi = require("@pulumi/pulumi");
       const { stagingBranchProvider } = require(${JSON.stringify(build.compiledPath("providers/stagingBranch.ts"))});
       const provider = stagingBranchProvider();
       pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false })
         .then((s) => require("fs").writeFileSync(${JSON.stringify(provider)}, s.text));`,
    );
    // A fresh process, as the engine's provider host: two diffs.
    const loaded = JSON.parse(
      node(
        `const p = require(${JSON.stringify(provider)}).handler();
         const olds = { eligible: [{ number: 1, head: "a" }], base: "b" };
         const news = { ...olds, eligible: [{ number: 1, head: "c" }] };
         const modules = () => Object.keys(require.cache).filter((f) => f.includes("/dist/") || /ts-node|typescript/.test(f));
         (async () => {
           const first = await p.diff("id", olds, news);
           const afterFirst = modules();
           const second = await p.diff("id", olds, olds);
           process.stdout.write(JSON.stringify({ first, second, afterFirst, afterSecond: modules() }));
         })();`,
      ),
    );
    expect(loaded.first).toEqual({ changes: true });
    expect(loaded.second).toEqual({ changes: false });
    const names = (files: string[]) =>
      files.map((f) => path.relative(path.join(build.root, "dist"), f)).sort();
    // diff needs the plans' comparison only: no git adapter, no merge engine, no compiler.
    expect(names(loaded.afterFirst)).toEqual(["lib/staging/planChange.js"]);
    expect(loaded.afterSecond).toEqual(loaded.afterFirst);
  });
});
