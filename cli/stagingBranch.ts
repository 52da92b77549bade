import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createForge } from "../lib/forge";
import { PullsFileForge } from "../lib/forge/local";
import type { Forge } from "../lib/forge/types";
import { branchNameProblem, repoNameProblem, tagPrefixProblem } from "../lib/git/names";
import { LsRemoteError } from "../lib/git/repo";
import { resolveLocation } from "../lib/project";
import {
  type AssembleResult,
  assembleStagingBranch,
  InvalidRequestError,
  PatchError,
  PushError,
} from "../lib/staging/assemble";
import type { Classification } from "../lib/staging/eligibility";
import { MainBranchMissing, planStagingBranch } from "../lib/staging/plan";
import { parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";
import { printable, printableLines } from "./printable";
import { stagingBranchUsage } from "./usage";

/** Logins of a trusted file: one per line, `#` starts a comment, blank lines ignored. */
export function parseTrustedFile(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
}

function readTrusted(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the trusted file ${file}: ${(err as Error).message}`);
  }
  const trusted = parseTrustedFile(text);
  if (trusted.length === 0)
    throw new UsageError(`the trusted file ${file} lists no login: no PR could ever be merged`);
  return trusted;
}

const stagingBranchOptions = {
  remote: { type: "string" },
  pulls: { type: "string" },
  github: { type: "string" },
  trusted: { type: "string" },
  main: { type: "string", default: "main" },
  branch: { type: "string", default: "staging.kernelci.org" },
  "skip-label": { type: "string", default: "staging-skip" },
  patches: { type: "string" },
  "tag-prefix": { type: "string", default: "staging-" },
  "tag-limit": { type: "string", default: "20" },
  "work-dir": { type: "string" },
  push: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

type StagingBranchOptions = ReturnType<typeof parseOptions<typeof stagingBranchOptions>>;

export interface StagingBranchReport {
  merged: { number: number; head: string }[];
  skipped: { number: number; reason: string }[];
  conflicts: AssembleResult["conflicts"];
  head: string;
  tag: string | null;
  pushed: boolean;
}

/** The --json document. */
export function reportOf(classification: Classification, result: AssembleResult): StagingBranchReport {
  return {
    merged: result.merged,
    skipped: classification.skipped.map(({ number, reason }) => ({ number, reason })),
    conflicts: result.conflicts,
    head: result.head,
    tag: result.tag,
    pushed: result.pushed,
  };
}

const short = (sha: string) => sha.slice(0, 12);

/** The readable table: one line per PR, in the order considered, then the outcome. */
export function formatTable(
  repo: string,
  branch: string,
  classification: Classification,
  result: AssembleResult,
  push: boolean,
): string {
  const merged = new Set(result.merged.map((m) => m.number));
  const conflicts = new Map(result.conflicts.map((c) => [c.number, c]));
  const conflictNote = (number: number) => {
    const conflict = conflicts.get(number);
    if (conflict?.reason) return conflict.reason;
    return `conflicts in ${conflict?.files.join(", ") || "(no path reported)"}`;
  };
  const rows = classification.verdicts.map((v) => {
    const p = v.pull;
    const [status, note] = !v.eligible
      ? [`skip:${v.skip.reason}`, v.skip.detail]
      : merged.has(p.number)
        ? ["merged", p.title]
        : ["conflict", conflictNote(p.number)];
    return [`#${p.number}`, status, p.headSha ? short(p.headSha) : "-", printable(p.author), printable(note)];
  });
  const header = ["PR", "STATUS", "HEAD", "AUTHOR", "TITLE / REASON"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  const outcome = !result.changed
    ? `no change from the remote ${branch}: nothing to push (head ${short(result.head)})`
    : result.pushed
      ? `pushed ${branch} at ${short(result.head)} with tag ${result.tag}` +
        (result.prunedTags.length ? `; pruned ${result.prunedTags.join(", ")}` : "")
      : `${branch} would move to ${short(result.head)} with tag ${result.tag}` +
        (push ? "" : " (not pushed: run with --push)");
  return [
    `${repo}: ${branch} from main ${short(result.base)}`,
    line(header),
    ...rows.map(line),
    `patches applied: ${result.patches.length ? printable(result.patches.join(", ")) : "none"}`,
    outcome,
    "",
  ].join("\n");
}

/** The branch names and tag prefix, by git's rules, before anything is read or fetched. */
function checkNames(opts: { main: string; branch: string; "tag-prefix": string }): void {
  for (const option of ["main", "branch"] as const) {
    const problem = branchNameProblem(opts[option]);
    if (problem)
      throw new UsageError(
        `--${option} "${printable(opts[option])}" is not a valid git branch name: it ${problem}`,
      );
  }
  if (opts.branch === opts.main)
    throw new UsageError(`--branch is the main branch (${opts.main}): the staging branch would overwrite it`);
  const problem = tagPrefixProblem(opts["tag-prefix"]);
  if (problem) throw new UsageError(`--tag-prefix "${printable(opts["tag-prefix"])}" ${problem}`);
}

/**
 * The options, checked before anything is read or fetched: the required ones, exactly one
 * source of PRs, the tag limit and the names. Returns the tag limit as a number.
 */
function checkOptions(opts: StagingBranchOptions): number {
  required(opts.remote, "remote", stagingBranchUsage);
  required(opts.trusted, "trusted", stagingBranchUsage);
  if ((opts.pulls === undefined) === (opts.github === undefined)) {
    throw new UsageError(
      `give exactly one of --pulls <file> or --github <owner/repo>\n${stagingBranchUsage}`,
    );
  }
  const tagLimit = Number(opts["tag-limit"]);
  if (!Number.isInteger(tagLimit) || tagLimit < 1) {
    throw new UsageError(`--tag-limit must be a positive integer, not "${opts["tag-limit"]}"`);
  }
  checkNames(opts);
  return tagLimit;
}

/**
 * Where the PRs come from and the repository's name: GitHub (`--github owner/repo`, the
 * commits from `remote`, which may be a mirror) or a pulls file named after the remote.
 */
function pullsSource(
  opts: Pick<StagingBranchOptions, "github" | "pulls">,
  remote: string,
  io: CliIo,
): { forge: Forge; repo: string } {
  if (opts.github !== undefined) {
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(opts.github);
    if (!m) throw new UsageError(`--github wants <owner>/<repo>, not "${opts.github}"`);
    const repo = m[2];
    const github = createForge(
      { kind: "github", owner: m[1], apiUrl: io.env.GITHUB_API_URL },
      io.cwd,
      io.env.GITHUB_TOKEN,
    );
    const forge: Forge = {
      location: github.location,
      gitToken: github.gitToken,
      remote: () => remote,
      openPulls: () => github.openPulls(repo),
    };
    return { forge, repo };
  }
  const pullsFile = path.resolve(io.cwd, opts.pulls as string);
  if (!fs.existsSync(pullsFile)) throw new UsageError(`cannot read the pulls file ${pullsFile}`);
  const repo = path.basename(remote).replace(/\.git$/, "") || "repo";
  const problem = repoNameProblem(repo);
  if (problem)
    throw new UsageError(
      `the last part of --remote ${remote}, "${repo}", ${problem}; name the remote after its repository`,
    );
  return { forge: new PullsFileForge(remote, pullsFile), repo };
}

/** `--work-dir`, or the user's cache directory; it must be a directory if it exists. */
function workDirOf(opts: Pick<StagingBranchOptions, "work-dir">, io: CliIo): string {
  const cache = io.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
  const workDir = path.resolve(
    io.cwd,
    opts["work-dir"] ?? path.join(cache, "kernelci-deploy", "staging-work"),
  );
  if (fs.existsSync(workDir) && !fs.statSync(workDir).isDirectory())
    throw new UsageError(`--work-dir ${workDir} is not a directory`);
  return workDir;
}

/** `kci-deploy staging-branch`: the same plan and engine as the StagingBranch resource. */
export async function stagingBranchCommand(args: string[], io: CliIo): Promise<number> {
  const opts = parseOptions(args, stagingBranchOptions, stagingBranchUsage);
  if (opts.help) {
    io.stdout(stagingBranchUsage);
    return 0;
  }
  const tagLimit = checkOptions(opts);
  const trusted = readTrusted(path.resolve(io.cwd, opts.trusted as string));
  const remote = resolveLocation(opts.remote as string, io.cwd);
  const patches = opts.patches ? path.resolve(io.cwd, opts.patches) : undefined;
  if (patches && !fs.existsSync(patches))
    throw new UsageError(`the patches directory ${patches} does not exist`);
  const { forge, repo } = pullsSource(opts, remote, io);
  const auth = forge.gitToken ? { token: forge.gitToken } : undefined;
  const now = new Date();
  const settings = {
    repo,
    main: opts.main,
    branch: opts.branch,
    trusted,
    skipLabel: opts["skip-label"],
    skipList: [],
    skipDrafts: false,
    patches,
    tagPrefix: opts["tag-prefix"],
    tagLimit,
  };
  // The plan's ls-remote of main also says whether the remote is there at all.
  const { plan, classification } = await planStagingBranch(settings, forge, now).catch((err: unknown) => {
    if (err instanceof LsRemoteError && err.remote === remote)
      throw new UsageError(`unknown or unreachable remote ${remote}: ${err.message}`);
    if (err instanceof MainBranchMissing)
      throw new UsageError(`the remote ${remote} has no branch ${opts.main} (see --main)`);
    throw err;
  });
  const workDir = workDirOf(opts, io);
  try {
    const result = await assembleStagingBranch({ ...plan, workDir, push: opts.push, now, auth });
    io.stdout(
      opts.json
        ? `${JSON.stringify(reportOf(classification, result), null, 2)}\n`
        : formatTable(repo, opts.branch, classification, result, opts.push),
    );
    return 0;
  } catch (err) {
    if (err instanceof PatchError || err instanceof PushError) {
      io.stderr(`${printableLines(err.message)}\n`);
      return 1;
    }
    if (err instanceof InvalidRequestError) throw new UsageError(err.message);
    throw err;
  }
}
