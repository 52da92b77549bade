/**
 * Start-up benchmarks of the command line and of the Pulumi program: `kci-deploy --help`
 * against `node -e 0`, and the local stack's preview and no-op up against an empty program
 * on the same engine (JavaScript, TypeScript support off, like this program). They run what
 * people run: bin/kci-deploy, scripts/up-local, scripts/pulumi.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../../lib/projectRoot";
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

/** A project whose program registers nothing, next to this one's node_modules; returns its directory. */
function emptyProject(): string {
  const dir = path.join(projectRoot, ".local/bench/empty");
  const program = path.join(dir, "program");
  fs.mkdirSync(program, { recursive: true });
  fs.writeFileSync(path.join(program, "package.json"), '{ "name": "empty", "main": "index.js" }\n');
  fs.writeFileSync(path.join(program, "index.js"), "// registers nothing\n");
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: empty\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: program\n`,
  );
  return dir;
}

/**
 * The checkout's local stack (as `scripts/up-local` and `scripts/pulumi` run it): its preview
 * with no changes and its no-op up, each against an empty program's on the same engine.
 */
export async function engineRows(runs: number): Promise<BenchRow[]> {
  const pulumi = path.join(projectRoot, "scripts/pulumi");
  const local = (...args: string[]) => run(pulumi, [...args, "--stack", "local", "--non-interactive"]);
  // A full cycle first, so that what follows changes nothing.
  run(path.join(projectRoot, "scripts/up-local"), ["--skip-preview"]);
  const resources = (JSON.parse(local("stack", "export")).deployment.resources as unknown[]).length;

  const emptyDir = emptyProject();
  const emptyEnv = { ...process.env, PULUMI_BACKEND_URL: `file://${path.join(emptyDir, "state")}` };
  fs.mkdirSync(path.join(emptyDir, "state"), { recursive: true });
  const empty = (...args: string[]) =>
    run(pulumi, [...args, "--stack", "bench", "--non-interactive", "--cwd", emptyDir], { env: emptyEnv });
  run(pulumi, ["stack", "select", "--create", "bench", "--non-interactive", "--cwd", emptyDir], {
    env: emptyEnv,
  });
  empty("up", "--yes", "--skip-preview");

  const unchanged = (out: string) => {
    if (/[0-9]+ to (create|update|delete|replace)|[0-9]+ (created|updated|deleted|replaced)/.test(out))
      throw new Error(`the local stack is not up to date:\n${out}`);
  };
  const preview = await medianOf(runs, () => unchanged(local("preview")));
  const emptyPreview = await medianOf(runs, () => empty("preview"));
  const up = await medianOf(runs, () => unchanged(local("up", "--yes", "--skip-preview")));
  const emptyUp = await medianOf(runs, () => empty("up", "--yes", "--skip-preview"));
  const budget = 2 * emptyPreview + resources / 100;
  return [
    {
      what: `\`scripts/pulumi preview --stack local\`, no changes (${resources} resources)`,
      ours: preview,
      floorName: "empty program's preview",
      floor: emptyPreview,
      target: {
        text: `≤ 2 × floor + 1 s per 100 resources (${budget.toFixed(2)} s)`,
        met: preview <= budget,
      },
    },
    {
      what: `\`pulumi up --stack local\`, no-op (${resources} resources)`,
      ours: up,
      floorName: "empty program's up",
      floor: emptyUp,
    },
  ];
}
