/**
 * The staging-branch benchmark: `kci-deploy staging-branch --push` (the command line, as
 * people run it) against the loop it replaces, pending.py's way (a fresh clone, then one
 * `git pull --no-ff` per PR), on two repositories:
 *
 * - a synthetic fixture of realistic size (built once, cached under $TMPDIR/kci-bench-staging):
 *   4,000 files, about 38k objects, 30 open PRs including 4 conflicting pairs;
 * - a real repository given by path (a mirror of kernelci-core with its refs/pull/N/head):
 *   copied, then its newest PR heads not in main are the open PRs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listPatches } from "../../lib/git/patches";
import { projectRoot } from "../../lib/project";
import { FixtureRemote, pullEntry, writePulls } from "../../local/gitFixtures";
import { type BenchOptions, type BenchRow, medianOf, run } from "./measure";

const BRANCH = "staging.kernelci.org";
const benchRoot = path.join(os.tmpdir(), "kci-bench-staging");

/** A remote (a bare repository of our own) with open PRs, and how to put it back as it was. */
export interface BenchRepo {
  name: string;
  remoteDir: string;
  pullsFile: string;
  trustedFile: string;
  /** The open PRs, oldest first (the order both sides merge them in). */
  prs: number[];
  /** Puts the staging branch and the staging tags back as they were before the benchmark. */
  reset(): void;
}

const url = (dir: string) => `file://${dir}`;

/** The staging branch and staging tags of a remote, to put back between runs. */
function stagingRefs(remoteDir: string): () => void {
  const list = () =>
    run(
      "git",
      ["for-each-ref", "--format=%(objectname) %(refname)", `refs/heads/${BRANCH}`, "refs/tags/staging-*"],
      {
        cwd: remoteDir,
      },
    )
      .split("\n")
      .filter(Boolean);
  const initial = new Map(list().map((line) => [line.split(" ")[1], line.split(" ")[0]]));
  return () => {
    const refs = list().map((line) => line.split(" ")[1]);
    const commands = refs.filter((ref) => !initial.has(ref)).map((ref) => `delete ${ref}`);
    for (const [ref, sha] of initial) commands.push(`update ${ref} ${sha}`);
    if (commands.length)
      run("git", ["update-ref", "--stdin"], { cwd: remoteDir, input: `${commands.join("\n")}\n` });
  };
}

function writeInputs(dir: string, prs: number[]): { pullsFile: string; trustedFile: string } {
  const pullsFile = path.join(dir, "pulls.json");
  const trustedFile = path.join(dir, "trusted");
  writePulls(
    pullsFile,
    prs.map((n) => pullEntry(n, { author: "bench" })),
  );
  fs.writeFileSync(trustedFile, "bench\n");
  return { pullsFile, trustedFile };
}

// --- the synthetic fixture ---------------------------------------------------------------------
const FILES = 4000;
const HISTORY = 400;
const FILES_PER_COMMIT = 40;
const PULLS = 30;
const CONFLICTING_PAIRS = 4;
const FIXTURE_VERSION = "2";

const fileName = (i: number) => `src/dir${String(i % 120).padStart(3, "0")}/file${i}.c`;
const content = (i: number, version: number) =>
  `${Array.from({ length: 30 }, (_, line) => `/* file ${i} line ${line} version ${line === 10 ? version : 0} */`).join("\n")}\n`;

/** The fixture's repository, through one `git fast-import` stream (fixed dates: the same SHAs every time). */
function buildFixture(remoteDir: string): void {
  run("git", ["init", "--quiet", "--bare", "--initial-branch=main", remoteDir]);
  const out: string[] = [];
  let mark = 0;
  let time = Date.parse("2025-01-01T00:00:00Z") / 1000;
  const commit = (ref: string, files: Record<string, string>, message: string, from?: string): string => {
    const m = `:${++mark}`;
    out.push(`commit ${ref}`, `mark ${m}`, `committer Bench <bench@kernelci.org> ${time++} +0000`);
    out.push(`data ${Buffer.byteLength(message)}`, message);
    if (from) out.push(`from ${from}`);
    for (const [file, text] of Object.entries(files))
      out.push(`M 100644 inline ${file}`, `data ${Buffer.byteLength(text)}`, text);
    out.push("");
    return m;
  };
  const initial: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) initial[fileName(i)] = content(i, 0);
  let tip = commit("refs/heads/main", initial, "initial import");
  for (let c = 1; c <= HISTORY; c++) {
    const files: Record<string, string> = {};
    for (let k = 0; k < FILES_PER_COMMIT; k++) {
      const i = (c * 97 + k * 13) % FILES;
      files[fileName(i)] = content(i, c);
    }
    tip = commit("refs/heads/main", files, `history ${c}`, tip);
  }
  for (let n = 1; n <= PULLS; n++) {
    // Pairs (1,2), (3,4)... change the same line of the same file: the older one wins.
    const target = n <= CONFLICTING_PAIRS * 2 ? 5000 + Math.ceil(n / 2) : 6000 + n;
    const file = fileName(target % FILES);
    const files = { [file]: content(target % FILES, 100_000 + n), [`pr/${n}/notes.txt`]: `PR ${n}\n` };
    commit(`refs/pull/${n}/head`, files, `PR ${n}`, tip);
  }
  run("git", ["fast-import", "--quiet"], { cwd: remoteDir, input: `${out.join("\n")}\n` });
  run("git", ["gc", "--quiet"], { cwd: remoteDir });
}

/** The synthetic fixture (built once and cached), its staging branch and tags removed. */
function fixtureRepo(): BenchRepo {
  const dir = path.join(benchRoot, "fixture");
  const remoteDir = path.join(dir, "linux-like.git");
  const versionFile = path.join(dir, "version");
  if (!fs.existsSync(versionFile) || fs.readFileSync(versionFile, "utf8") !== FIXTURE_VERSION) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    buildFixture(remoteDir);
    fs.writeFileSync(versionFile, FIXTURE_VERSION);
  }
  // Every benchmark starts from the fixture's own main and no staging branch or tag.
  const remote = FixtureRemote.create(remoteDir);
  const pristine = run("git", ["rev-list", "--max-count=1", "--grep=^history 400$", "refs/heads/main"], {
    cwd: remoteDir,
  }).trim();
  remote.setRef("refs/heads/main", pristine);
  for (const ref of run("git", ["for-each-ref", "--format=%(refname)", `refs/heads/${BRANCH}`, "refs/tags"], {
    cwd: remoteDir,
  }).split("\n")) {
    if (ref) run("git", ["update-ref", "-d", ref], { cwd: remoteDir });
  }
  const prs = Array.from({ length: PULLS }, (_, i) => i + 1);
  return {
    name: `fixture (${FILES} files, ${PULLS} PRs, ${CONFLICTING_PAIRS} conflicting pairs)`,
    remoteDir,
    prs,
    ...writeInputs(dir, prs),
    reset: stagingRefs(remoteDir),
  };
}

/**
 * A copy of a real repository (`gitDir`, bare or not) as the remote: main, its branches and
 * tags, and refs/pull/N/head; the `count` newest PR heads not merged into main are the open PRs.
 */
function realRepo(gitDir: string, count = 32): BenchRepo {
  const source = path.resolve(gitDir);
  const dir = path.join(benchRoot, `real-${path.basename(path.dirname(source))}-${path.basename(source)}`);
  const remoteDir = path.join(dir, "remote.git");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  run("git", ["clone", "--quiet", "--mirror", source, remoteDir]);
  const inMain = new Set(run("git", ["rev-list", "refs/heads/main"], { cwd: remoteDir }).split("\n"));
  const heads = run("git", ["for-each-ref", "--format=%(objectname) %(refname)", "refs/pull/*/head"], {
    cwd: remoteDir,
  })
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha, ref] = line.split(" ");
      return { sha, number: Number(ref.split("/")[2]) };
    })
    .filter((h) => !inMain.has(h.sha))
    .sort((a, b) => b.number - a.number);
  if (heads.length < count) {
    throw new Error(`${source}: ${heads.length} PR heads (refs/pull/N/head) outside main, ${count} wanted`);
  }
  const prs = heads
    .slice(0, count)
    .map((h) => h.number)
    .sort((a, b) => a - b);
  return {
    name: `${path.basename(path.dirname(source)).replace(/^.*\+/, "")} (real history, ${count} PRs)`,
    remoteDir,
    prs,
    ...writeInputs(dir, prs),
    reset: stagingRefs(remoteDir),
  };
}

/** `kci-deploy staging-branch --push` in its own process, as people and the bot run it. */
function engineRun(repo: BenchRepo, workDir: string): { merged: number; pushed: boolean } {
  const out = run(process.execPath, [
    path.join(projectRoot, "bin/kci-deploy"),
    "staging-branch",
    "--remote",
    url(repo.remoteDir),
    "--pulls",
    repo.pullsFile,
    "--trusted",
    repo.trustedFile,
    "--work-dir",
    workDir,
    "--push",
    "--json",
  ]);
  const report = JSON.parse(out) as { merged: unknown[]; pushed: boolean };
  return { merged: report.merged.length, pushed: report.pushed };
}

/** pending.py's way: a fresh clone of main, one `git pull --no-ff` per PR, then compare. */
function pullLoop(repo: BenchRepo, patchesDir?: string): { merged: number } {
  const dir = fs.mkdtempSync(path.join(benchRoot, "pull-loop-"));
  try {
    run("git", ["clone", "--quiet", "--branch", "main", url(repo.remoteDir), "checkout"], { cwd: dir });
    const checkout = path.join(dir, "checkout");
    run("git", ["config", "user.email", "bot@kernelci.org"], { cwd: checkout });
    run("git", ["config", "user.name", "KernelCI staging"], { cwd: checkout });
    let merged = 0;
    for (const pr of repo.prs) {
      try {
        run("git", ["pull", "--quiet", "--no-ff", "--no-edit", "origin", `refs/pull/${pr}/head`], {
          cwd: checkout,
        });
        merged++;
      } catch {
        run("git", ["merge", "--abort"], { cwd: checkout });
      }
    }
    for (const patch of listPatches(patchesDir)) run("git", ["am", patch], { cwd: checkout });
    // The script pushes when the result differs from the remote branch.
    try {
      run("git", ["fetch", "--quiet", "origin", BRANCH], { cwd: checkout });
      run("git", ["diff", "--quiet", "FETCH_HEAD", "HEAD"], { cwd: checkout });
    } catch {
      // absent or different: it would push
    }
    return { merged };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows of one repository: first run, main moved (clone kept), no-op; each against the loop. */
async function stagingRows(repo: BenchRepo, runs: number): Promise<BenchRow[]> {
  const workDir = path.join(benchRoot, "work");
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`${repo.name}: benchmark sanity check failed: ${what}`);
  };
  let result = { merged: 0, pushed: false };
  const first = await medianOf(
    runs,
    () => {
      result = engineRun(repo, workDir);
    },
    () => {
      repo.reset();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  );
  check(result.pushed, "the first run pushes");
  const merged = result.merged;
  const noop = await medianOf(runs, () => {
    result = engineRun(repo, workDir);
  });
  check(!result.pushed && result.merged === merged, "a run with nothing changed pushes nothing");
  const remote = FixtureRemote.create(repo.remoteDir);
  const moved = await medianOf(
    runs,
    () => {
      result = engineRun(repo, workDir);
    },
    () => remote.commitOnMain({ [`bench/${Date.now()}`]: "main moves\n" }, "main moves"),
  );
  check(result.pushed, "a run after main moved pushes");
  let loop = { merged: 0 };
  const baseline = await medianOf(runs, () => {
    loop = pullLoop(repo);
  });
  check(loop.merged === result.merged, `the loop merged ${loop.merged} PRs, the engine ${result.merged}`);
  repo.reset();
  const name = `staging-branch, ${repo.name}, ${merged} merged`;
  const row = (what: string, ours: number, target: BenchRow["target"]): BenchRow => ({
    what: `${name}: ${what}`,
    ours,
    floorName: "per-PR `git pull` loop",
    floor: baseline,
    target,
  });
  return [
    row("first run", first, ratioTarget(first, baseline)),
    row("main moved", moved, ratioTarget(moved, baseline)),
    row("no-op", noop, { text: "≤ 0.5 s", met: noop <= 0.5 }),
  ];
}

/** The rows of the synthetic fixture and, with `--repo`, of a real repository. */
export async function stagingBenchRows(options: BenchOptions): Promise<BenchRow[]> {
  const rows = await stagingRows(fixtureRepo(), options.runs);
  if (options.repo) rows.push(...(await stagingRows(realRepo(options.repo, options.prs), options.runs)));
  return rows;
}

const ratioTarget = (ours: number, baseline: number) => ({ text: "≤ 1.0 × loop", met: ours <= baseline });
