/**
 * Start-up benchmarks of the command line and of the Pulumi program: `kci-deploy --help`
 * against `node -e 0`, and the local stack's preview and no-op up against empty programs on
 * the same engine: JavaScript with TypeScript support off (like this program), and, for the
 * preview, TypeScript (the floor issue 11 measured).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lib/project";
// The engine tests' isolated stack: the benchmark measures the program the tests run.
import { engineEnv, localStack } from "../../local/isolatedStack";
import { type BenchRow, interleavedMedians, medianOf, run } from "./measure";

export async function cliRows(runs: number): Promise<BenchRow[]> {
  const bin = path.join(projectRoot, "bin/kci-deploy");
  const ours = await medianOf(runs, () => run(process.execPath, [bin, "--help"]));
  const floor = await medianOf(runs, () => run(process.execPath, ["-e", "0"]));
  return [
    {
      what: "`kci-deploy --help`",
      ours,
      floorName: "`node -e 0`",
      floor,
      target: { text: "≤ 3 × floor", met: ours <= 3 * floor },
    },
  ];
}

/**
 * A project whose program registers nothing, next to this one's node_modules; returns its
 * directory. JavaScript with TypeScript support off, like this program; or TypeScript, as
 * `pulumi new typescript` makes it (the floor issue 11 measured, type-checked by ts-node).
 */
function emptyProject(dir: string, language: "javascript" | "typescript"): string {
  const program = path.join(projectRoot, `.local/bench/empty-${language}-program`);
  const index = language === "javascript" ? "index.js" : "index.ts";
  fs.mkdirSync(program, { recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(program, "package.json"), `{ "name": "empty", "main": "${index}" }\n`);
  const source = language === "javascript" ? "// registers nothing\n" : "// registers nothing\nexport {};\n";
  fs.writeFileSync(path.join(program, index), source);
  const options = language === "javascript" ? "\n  options:\n    typescript: false" : "";
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: empty-${language}\nruntime:\n  name: nodejs${options}\nmain: ${program}\n`,
  );
  return dir;
}

/**
 * The local stack's preview with no changes and its no-op up, each against an empty
 * program's on the same engine. The stack is the engine tests' isolated copy of the local
 * stack (own backend, forge copy and render directory; pipe cleaner off, so no simulator and
 * no fixed port), run with the `pulumi` CLI as people run it.
 */
export async function engineRows(runs: number): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bench-engine-"));
  try {
    const project = (await localStack("bench", dir)).workspace.workDir;
    const env = { ...engineEnv(), PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}` };
    const empty = emptyProject(path.join(dir, "empty"), "javascript");
    const emptyTs = emptyProject(path.join(dir, "empty-ts"), "typescript");
    const pulumi = (cwd: string, ...args: string[]) =>
      run("pulumi", [...args, "--stack", "bench", "--non-interactive", "--cwd", cwd], { env });
    pulumi(project, "up", "--yes", "--skip-preview");
    for (const cwd of [empty, emptyTs]) {
      run("pulumi", ["stack", "init", "bench", "--non-interactive", "--cwd", cwd], { env });
      pulumi(cwd, "up", "--yes", "--skip-preview");
    }
    const resources = (JSON.parse(pulumi(project, "stack", "export")).deployment.resources as unknown[])
      .length;

    const unchanged = (out: string) => {
      if (/[0-9]+ to (create|update|delete|replace)|[0-9]+ (created|updated|deleted|replaced)/.test(out))
        throw new Error(`the stack is not up to date:\n${out}`);
    };
    const [preview, emptyPreview, emptyTsPreview] = await interleavedMedians(runs, [
      () => unchanged(pulumi(project, "preview")),
      () => pulumi(empty, "preview"),
      () => pulumi(emptyTs, "preview"),
    ]);
    const [up, emptyUp] = await interleavedMedians(runs, [
      () => unchanged(pulumi(project, "up", "--yes", "--skip-preview")),
      () => pulumi(empty, "up", "--yes", "--skip-preview"),
    ]);
    const previewRow = (floorName: string, floor: number): BenchRow => {
      const budget = 2 * floor + resources / 100;
      return {
        what: `local stack's \`pulumi preview\`, no changes (${resources} resources)`,
        ours: preview.wall,
        floorName,
        floor,
        target: {
          text: `≤ 2 × floor + 1 s per 100 resources (${budget.toFixed(2)} s)`,
          met: preview.wall <= budget,
        },
      };
    };
    return [
      previewRow("empty TypeScript program's preview (the issue's floor)", emptyTsPreview.wall),
      previewRow("empty JavaScript program's preview", emptyPreview.wall),
      {
        what: "the same preview: CPU time of all its processes (user + system)",
        ours: preview.cpu,
        floorName: "empty JavaScript program's preview",
        floor: emptyPreview.cpu,
      },
      {
        what: `local stack's \`pulumi up\`, no-op (${resources} resources)`,
        ours: up.wall,
        floorName: "empty JavaScript program's up",
        floor: emptyUp.wall,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
