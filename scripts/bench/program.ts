/**
 * Start-up benchmarks of the command line and of the Pulumi program: `kci-deploy --help`
 * against `node -e 0`, and the local stack's preview and no-op up against an empty program
 * on the same engine (JavaScript, TypeScript support off, like this program).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../../lib/projectRoot";
import { engineEnv, localStack } from "../../test/support/engine";
import { type BenchRow, medianOf, run } from "./measure";

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

/** A project whose program registers nothing, next to this one's node_modules. */
function emptyProgram(dir: string): string {
  const project = path.join(dir, "project");
  const program = path.join(projectRoot, ".local/bench/empty-program");
  fs.mkdirSync(program, { recursive: true });
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(program, "package.json"), '{ "name": "empty", "main": "index.js" }\n');
  fs.writeFileSync(path.join(program, "index.js"), "// registers nothing\n");
  fs.writeFileSync(
    path.join(project, "Pulumi.yaml"),
    `name: empty\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: ${program}\n`,
  );
  return project;
}

/** The local stack's preview with no changes and its no-op up, each against the empty program's. */
export async function engineRows(runs: number): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bench-engine-"));
  try {
    const stack = await localStack("bench", dir);
    const project = stack.workspace.workDir;
    const env = { ...engineEnv(), PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}` };
    const empty = emptyProgram(path.join(dir, "empty"));
    const pulumi = (cwd: string, ...args: string[]) =>
      run("pulumi", [...args, "--stack", "bench", "--non-interactive", "--cwd", cwd], { env });
    run("pulumi", ["stack", "init", "bench", "--non-interactive", "--cwd", empty], { env });
    pulumi(project, "up", "--yes", "--skip-preview");
    pulumi(empty, "up", "--yes", "--skip-preview");
    const resources = (JSON.parse(pulumi(project, "stack", "export")).deployment.resources as unknown[])
      .length;

    const preview = await medianOf(runs, () => pulumi(project, "preview"));
    const emptyPreview = await medianOf(runs, () => pulumi(empty, "preview"));
    const up = await medianOf(runs, () => {
      const out = pulumi(project, "up", "--yes", "--skip-preview");
      if (!/unchanged/.test(out) || /[0-9]+ (created|updated|deleted|replaced)/.test(out))
        throw new Error(`the local stack's second up changed something:\n${out}`);
    });
    const emptyUp = await medianOf(runs, () => pulumi(empty, "up", "--yes", "--skip-preview"));
    const budget = 2 * emptyPreview + resources / 100;
    return [
      {
        what: `local stack preview, no changes (${resources} resources)`,
        ours: preview,
        floorName: "empty program's preview",
        floor: emptyPreview,
        target: {
          text: `≤ 2 × floor + 1 s per 100 resources (${budget.toFixed(2)} s)`,
          met: preview <= budget,
        },
      },
      {
        what: `local stack no-op up (${resources} resources)`,
        ours: up,
        floorName: "empty program's up",
        floor: emptyUp,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
