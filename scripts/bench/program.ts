/**
 * Start-up benchmarks of the command line and of the Pulumi program: `kci-deploy --help`
 * against `node -e 0`, and the local stack's preview and no-op up against an empty program
 * on the same engine (JavaScript, TypeScript support off, like this program).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lib/project";
// The engine tests' isolated stack: the benchmark measures the program the tests run.
import { engineEnv, localStack } from "../../test/support/engine";
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

/** A project whose program registers nothing, next to this one's node_modules; returns its directory. */
function emptyProject(dir: string): string {
  const program = path.join(projectRoot, ".local/bench/empty-program");
  fs.mkdirSync(program, { recursive: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(program, "package.json"), '{ "name": "empty", "main": "index.js" }\n');
  fs.writeFileSync(path.join(program, "index.js"), "// registers nothing\n");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: empty\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: ${program}\n`,
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
    const empty = emptyProject(path.join(dir, "empty"));
    const pulumi = (cwd: string, ...args: string[]) =>
      run("pulumi", [...args, "--stack", "bench", "--non-interactive", "--cwd", cwd], { env });
    run("pulumi", ["stack", "init", "bench", "--non-interactive", "--cwd", empty], { env });
    pulumi(project, "up", "--yes", "--skip-preview");
    pulumi(empty, "up", "--yes", "--skip-preview");
    const resources = (JSON.parse(pulumi(project, "stack", "export")).deployment.resources as unknown[])
      .length;

    const unchanged = (out: string) => {
      if (/[0-9]+ to (create|update|delete|replace)|[0-9]+ (created|updated|deleted|replaced)/.test(out))
        throw new Error(`the stack is not up to date:\n${out}`);
    };
    const [preview, emptyPreview] = await interleavedMedians(runs, [
      () => unchanged(pulumi(project, "preview")),
      () => pulumi(empty, "preview"),
    ]);
    const [up, emptyUp] = await interleavedMedians(runs, [
      () => unchanged(pulumi(project, "up", "--yes", "--skip-preview")),
      () => pulumi(empty, "up", "--yes", "--skip-preview"),
    ]);
    const budget = 2 * emptyPreview.wall + resources / 100;
    return [
      {
        what: `local stack's \`pulumi preview\`, no changes (${resources} resources)`,
        ours: preview.wall,
        floorName: "empty program's preview",
        floor: emptyPreview.wall,
        target: {
          text: `≤ 2 × floor + 1 s per 100 resources (${budget.toFixed(2)} s)`,
          met: preview.wall <= budget,
        },
      },
      {
        what: "the same preview: CPU time of all its processes (user + system)",
        ours: preview.cpu,
        floorName: "empty program's preview",
        floor: emptyPreview.cpu,
      },
      {
        what: `local stack's \`pulumi up\`, no-op (${resources} resources)`,
        ours: up.wall,
        floorName: "empty program's up",
        floor: emptyUp.wall,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
