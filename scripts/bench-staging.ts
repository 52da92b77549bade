/**
 * Staging branch benchmark: `npm run bench:staging`.
 *
 * Builds (once, cached under $TMPDIR/kci-bench-staging) a repository of realistic size — a few
 * thousand files, tens of thousands of objects — with 30 open PRs including conflicting
 * pairs, then times this engine cold (no working clone), warm (main moved: the clone is reused
 * and one fetch brings every PR head) and no-op (nothing changed), next to the same runs done
 * the way pending.py does them (a fresh checkout and one `git pull` per PR).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalForge } from "../lib/forge/local";
import { listPatches } from "../lib/git/patches";
import { assembleStagingBranch } from "../lib/staging/assemble";
import { planStagingBranch, type StagingBranchPlan, type StagingBranchSettings } from "../lib/staging/plan";
import { FixtureRemote, pullEntry, writePulls } from "../local/gitFixtures";

const FILES = 4000;
const HISTORY = 400;
const FILES_PER_COMMIT = 40;
const PULLS = 30;
const CONFLICTING_PAIRS = 4;
const FIXTURE_VERSION = "1";

const root = path.join(os.tmpdir(), "kci-bench-staging");
const forgeDir = path.join(root, "forge");
const remoteDir = path.join(forgeDir, "linux-like.git");
// Both sides talk to the remote through git's pack protocol, as with GitHub: a plain path
// would let `git clone` hardlink objects, which no real run can do.
const remoteUrl = `file://${remoteDir}`;

/** The fixture forge, seen through a file:// URL. */
function forge() {
  const local = new LocalForge(forgeDir);
  return {
    location: local.location,
    remote: () => remoteUrl,
    openPulls: () => local.openPulls("linux-like"),
  };
}

function run(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, {
    cwd,
    input,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

const fileName = (i: number) => `src/dir${String(i % 120).padStart(3, "0")}/file${i}.c`;
const content = (i: number, version: number) =>
  `${Array.from({ length: 30 }, (_, line) => `/* file ${i} line ${line} version ${line === 10 ? version : 0} */`).join("\n")}\n`;

/** The fixture, through one `git fast-import` stream (fixed dates: the same SHAs every time). */
function buildFixture(): void {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(forgeDir, { recursive: true });
  run(forgeDir, ["init", "--quiet", "--bare", "--initial-branch=main", remoteDir]);
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
  run(forgeDir, [`--git-dir=${remoteDir}`, "fast-import", "--quiet"], `${out.join("\n")}\n`);
  run(forgeDir, [`--git-dir=${remoteDir}`, "gc", "--quiet"]);
  writePulls(
    path.join(forgeDir, "linux-like.pulls.json"),
    Array.from({ length: PULLS }, (_, i) => pullEntry(i + 1, { author: "nuclearcat" })),
  );
  fs.writeFileSync(path.join(root, "version"), FIXTURE_VERSION);
}

const settings: StagingBranchSettings = {
  repo: "linux-like",
  main: "main",
  branch: "staging.kernelci.org",
  trusted: ["nuclearcat"],
  skipLabel: "staging-skip",
  skipList: [],
  skipDrafts: false,
  tagPrefix: "staging-",
  tagLimit: 20,
};

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e9, value];
}

/** This engine: plan from the forge, then assemble in the kept working clone. */
async function engineRun(workDir: string) {
  const { plan } = await planStagingBranch(settings, forge(), new Date());
  return assembleStagingBranch({ ...plan, workDir, push: true, now: new Date() });
}

/** The pending.py way: a fresh checkout of main, one `git pull --no-ff` per PR, then compare. */
function pendingPyRun(plan: StagingBranchPlan): { merged: number; conflicts: number } {
  const dir = fs.mkdtempSync(path.join(root, "pending-"));
  try {
    run(dir, ["clone", "--quiet", "--branch", "main", remoteUrl, "checkout"]);
    const checkout = path.join(dir, "checkout");
    run(checkout, ["config", "user.email", "bot@kernelci.org"]);
    run(checkout, ["config", "user.name", "KernelCI staging"]);
    let merged = 0;
    let conflicts = 0;
    for (const pr of plan.eligible) {
      try {
        run(checkout, ["pull", "--quiet", "--no-ff", "--no-edit", "origin", `refs/pull/${pr.number}/head`]);
        merged++;
      } catch {
        run(checkout, ["merge", "--abort"]);
        conflicts++;
      }
    }
    for (const patch of listPatches(plan.patches)) run(checkout, ["am", patch]);
    run(checkout, ["fetch", "--quiet", "origin", plan.branch]);
    run(checkout, ["diff", "--quiet", "FETCH_HEAD", "HEAD"]);
    return { merged, conflicts };
  } catch (err) {
    // `git diff --quiet` exits 1 when the content differs: the script would push here.
    if ((err as { status?: number }).status === 1) return { merged: -1, conflicts: -1 };
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const fresh =
    fs.existsSync(path.join(root, "version")) &&
    fs.readFileSync(path.join(root, "version"), "utf8") === FIXTURE_VERSION;
  const [buildSeconds] = await timed(() => (fresh ? undefined : buildFixture()));
  // Start each benchmark from the fixture's own main and no staging branch.
  const remote = FixtureRemote.create(remoteDir);
  const mainTip = run(remoteDir, ["rev-parse", "refs/heads/main"]).trim();
  const pristine = run(remoteDir, [
    "rev-list",
    "--max-count=1",
    "--grep=^history 400$",
    "refs/heads/main",
  ]).trim();
  if (pristine && pristine !== mainTip) remote.setRef("refs/heads/main", pristine);
  for (const ref of run(remoteDir, [
    "for-each-ref",
    "--format=%(refname)",
    "refs/heads/staging.kernelci.org",
    "refs/tags",
  ]).split("\n")) {
    if (ref) run(remoteDir, ["update-ref", "-d", ref]);
  }
  const objects = run(remoteDir, ["count-objects", "-v"]).match(/in-pack: (\d+)/)?.[1];
  const files = run(remoteDir, ["ls-tree", "-r", "--name-only", "main"]).split("\n").filter(Boolean).length;
  console.log(
    `fixture: ${files} files, ${objects} objects, ${PULLS} open PRs (${CONFLICTING_PAIRS} conflicting pairs)` +
      (fresh ? " (cached)" : ` (built in ${buildSeconds.toFixed(1)} s)`),
  );

  const workDir = path.join(root, "work");
  fs.rmSync(workDir, { recursive: true, force: true });
  const [cold, coldResult] = await timed(() => engineRun(workDir));
  // Main moves: every PR is merged again on the new base, in the kept clone.
  remote.commitOnMain({ MAINTAINERS: "bench\n" }, "main moves");
  const [warm, warmResult] = await timed(() => engineRun(workDir));
  const [noop, noopResult] = await timed(() => engineRun(workDir));
  const { plan } = await planStagingBranch(settings, forge(), new Date());
  const [baseWarm, baseline] = await timed(() => pendingPyRun(plan));
  const [baseNoop] = await timed(() => pendingPyRun(plan));

  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`benchmark sanity check failed: ${what}`);
  };
  check(coldResult.pushed && warmResult.pushed && !noopResult.pushed, "cold and warm push, no-op does not");
  check(warmResult.merged.length === PULLS - CONFLICTING_PAIRS, `${warmResult.merged.length} merged`);
  check(
    baseline.merged === -1 || baseline.merged === warmResult.merged.length,
    "the baseline merges the same PRs",
  );

  const row = (name: string, ours: number, theirs?: number, target?: string) =>
    `${name.padEnd(8)} ${`${ours.toFixed(2)} s`.padStart(10)} ${(theirs === undefined ? "-" : `${theirs.toFixed(2)} s`).padStart(16)} ${(theirs === undefined ? "-" : `${(ours / theirs).toFixed(2)}`).padStart(7)}   ${target ?? ""}`;
  console.log(
    `\n${"run".padEnd(8)} ${"engine".padStart(10)} ${"pending.py way".padStart(16)} ${"ratio".padStart(7)}   target`,
  );
  console.log(row("cold", cold));
  console.log(
    row(
      "warm",
      warm,
      baseWarm,
      `< 15 s and <= 0.5 x baseline: ${warm < 15 && warm <= baseWarm / 2 ? "met" : "MISSED"}`,
    ),
  );
  console.log(row("no-op", noop, baseNoop, `< 2 s: ${noop < 2 ? "met" : "MISSED"}`));
  console.log(
    `\nmerged ${warmResult.merged.length}, conflicts ${warmResult.conflicts.map((c) => `#${c.number}`).join(" ")}; ` +
      `tags ${coldResult.tag}, ${warmResult.tag}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
