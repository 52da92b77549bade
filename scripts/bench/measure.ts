/**
 * Timing and reporting for the benchmarks: each row is a median of several runs of this
 * project next to a floor or baseline measured in the same session, never a figure from
 * elsewhere.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { parseArgs } from "node:util";

export interface BenchRow {
  what: string;
  ours: number;
  /** What the row is compared with, and its median time. */
  floorName: string;
  floor: number;
  /** The target, said as text, and whether it is met. */
  target?: { text: string; met: boolean };
}

/** Seconds one call of `fn` takes. */
export async function seconds(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median time of `runs` calls of `fn`, each after `before` (not timed). */
export async function medianOf(runs: number, fn: () => unknown, before?: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    times.push(await seconds(fn));
  }
  return median(times);
}

/**
 * CPU seconds (user + system) of this process's children that have exited, with their own
 * waited-for children (Linux: cutime and cstime of /proc/self/stat). A preview's processes
 * (engine, language host, program, providers) all count: a figure the machine's load moves
 * much less than the wall time.
 */
function childrenCpuSeconds(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  // Fields 16 and 17 of proc(5), counted after "pid (comm) ".
  return (Number(fields[13]) + Number(fields[14])) / clockTicks();
}

let ticks: number | undefined;
function clockTicks(): number {
  ticks ??= Number(run("getconf", ["CLK_TCK"]).trim());
  return ticks;
}

/**
 * The median wall and CPU times of each of `fns`, called in turn `runs` times (one of each per
 * round), so that each sees the same load of a shared machine. Each runs commands synchronously.
 */
export async function interleavedMedians(
  runs: number,
  fns: (() => unknown)[],
): Promise<{ wall: number; cpu: number }[]> {
  const times = fns.map(() => ({ walls: [] as number[], cpus: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    for (const [j, fn] of fns.entries()) {
      const cpuBefore = childrenCpuSeconds();
      times[j].walls.push(await seconds(fn));
      times[j].cpus.push(childrenCpuSeconds() - cpuBefore);
    }
  }
  return times.map((t) => ({ wall: median(t.walls), cpu: median(t.cpus) }));
}

/** Runs a command, failing with its output when it fails (a benchmark of a failure means nothing). */
export function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): string {
  try {
    return execFileSync(cmd, args, { ...options, encoding: "utf8", maxBuffer: 1 << 30, stdio: "pipe" });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** Date, machine and load, for the record next to the table. */
export function machineLine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2));
  return (
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${cpus.length} × ${cpus[0]?.model.trim()}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node.js ${process.version}, ` +
    `${run("git", ["--version"]).trim()}; load average ${load.join(", ")}`
  );
}

const s = (t: number) => `${t.toFixed(2)} s`;

/** One Markdown table: what, this project, the floor or baseline, their ratio, the target. */
export function formatRows(rows: BenchRow[]): string {
  const lines = [
    "| what | this project | floor or baseline (same run) | ratio | target |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const target = r.target ? `${r.target.text}: ${r.target.met ? "met" : "**missed**"}` : "–";
    lines.push(
      `| ${r.what} | ${s(r.ours)} | ${r.floorName}: ${s(r.floor)} | ${(r.ours / r.floor).toFixed(2)} | ${target} |`,
    );
  }
  return lines.join("\n");
}

/** The options every benchmark command takes: `--runs 5`, and `--repo <git dir>` with `--prs 32`. */
export interface BenchOptions {
  runs: number;
  repo?: string;
  prs: number;
}

/**
 * A benchmark command: parses its options, measures the rows and prints one Markdown table,
 * between the machine's line before and its load average at the end. Exits 1 on failure.
 */
export function benchMain(rowsOf: (options: BenchOptions) => Promise<BenchRow[]>, runsNote: string): void {
  const main = async () => {
    const { values } = parseArgs({
      options: {
        repo: { type: "string" },
        runs: { type: "string", default: "5" },
        prs: { type: "string", default: "32" },
      },
    });
    const options = { runs: Number(values.runs), repo: values.repo, prs: Number(values.prs) };
    const before = machineLine();
    const rows = await rowsOf(options);
    console.log(
      `${before}\n\n${formatRows(rows)}\n\nmedian of ${options.runs} ${runsNote}; load average at the end: ${machineLine().split("load average ")[1]}`,
    );
  };
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
