/**
 * A thin adapter over git (simple-git) for the update procedure: kept working clones, fetch,
 * no-ff merges, `git am` of local patches, annotated tags and pushes. Generic: it knows
 * nothing of PRs or staging, so the kernel test revision reuses it.
 *
 * Exports:
 * - `GitAuth`, `gitAuthEnv(auth)`: a token for HTTPS remotes, passed to git through the
 *   environment (never in argv, never in .git/config, never in state).
 * - `lsRemote(remote, patterns, auth?, timeoutMs?)`: ref -> SHA of a remote, without a clone.
 * - `gitFailure(err, timeoutMs)`: git's message, or "no answer within N ms" after a deadline.
 * - `WorkingClone.open(dir, remote, options)`: a clone kept under a work dir (created empty
 *   on first use; it fetches from and pushes to the remote's URL), then `fetch`, `resolve`,
 *   `hasCommit`, `missingCommits`, `checkout`, `mergeCommit`, `applyPatches`, `treeOf`, `tag`, `tags`, `push`,
 *   `deleteLocalTags`.
 */
import * as fs from "node:fs";
import { type SimpleGit, simpleGit } from "simple-git";

/** Credentials for an HTTPS remote (GitHub: a token with contents:write). */
export interface GitAuth {
  token: string;
}

/** Who signs merges, patch commits and tags in a working clone. */
export interface GitIdentity {
  name: string;
  email: string;
}

const AUTH_ENV_KEYS = ["GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"];
/** git must never prompt: a missing credential fails at once with a message. */
const QUIET_ENV_KEYS = ["GIT_TERMINAL_PROMPT", "GIT_HTTP_LOW_SPEED_LIMIT", "GIT_HTTP_LOW_SPEED_TIME"];

/**
 * The longest a git command may go without printing anything (a fetch of a kernel tree
 * prints nothing for minutes, so this is generous; tests pass short ones).
 */
export const DEFAULT_GIT_TIMEOUT_MS = 20 * 60_000;

/** The environment that hands `auth` to git as an HTTP header for this process only. */
export function gitAuthEnv(auth?: GitAuth): Record<string, string> {
  if (!auth) return {};
  const basic = Buffer.from(`x-access-token:${auth.token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraHeader",
    GIT_CONFIG_VALUE_0: `Authorization: basic ${basic}`,
  };
}

/** Variables simple-git refuses when passed explicitly (they can run programs); git does without them. */
const GUARDED = new Set(["editor", "pager", "prefix", "ssh_askpass", "visual"]);

/**
 * Settings of the working clones, given to every git command (`-c`) rather than written to
 * their config: nothing to check or write before a run. Merges and `git am` must behave the
 * same on every machine.
 */
function cloneSettings(identity: GitIdentity): string[] {
  return [
    `user.name=${identity.name}`,
    `user.email=${identity.email}`,
    "merge.conflictStyle=merge",
    "am.threeWay=false",
    "gc.auto=0",
  ];
}

function gitIn(
  dir: string,
  auth?: GitAuth,
  timeoutMs = DEFAULT_GIT_TIMEOUT_MS,
  config: string[] = [],
): SimpleGit {
  const git = simpleGit({
    baseDir: dir,
    config,
    // Killed when silent for that long: a server that accepts and never answers cannot hang a run.
    timeout: { block: timeoutMs },
    allowEnvironment: [...AUTH_ENV_KEYS, ...QUIET_ENV_KEYS],
    // The only config passed through the environment is the auth header built above.
    unsafe: { allowUnsafeConfigEnvCount: auth !== undefined },
    // By default simple-git ignores a non-zero exit when stderr is empty (a conflicted
    // `merge --quiet` reports on stdout): every failing command must throw.
    errors: (error, result) =>
      error ?? (result.exitCode === 0 ? undefined : Buffer.concat([...result.stdOut, ...result.stdErr])),
  });
  // simple-git replaces the whole environment when one is given: start from ours, minus
  // the variables it guards (as it would strip them itself).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => {
      const k = key.toLowerCase();
      return !k.startsWith("git_") && !GUARDED.has(k);
    }),
  );
  // curl gives up by itself on a stalled transfer, so git's HTTP helper does not linger after git.
  const stall = String(Math.max(1, Math.ceil(Math.min(timeoutMs, 120_000) / 1000)));
  return git.env({
    ...env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_HTTP_LOW_SPEED_LIMIT: "1",
    GIT_HTTP_LOW_SPEED_TIME: stall,
    ...gitAuthEnv(auth),
  });
}

/** What went wrong in a git call, in words: a deadline is named as such, not as git's output. */
export function gitFailure(err: unknown, timeoutMs: number, auth?: GitAuth): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/block timeout reached/.test(message)) return `no answer within ${timeoutMs} ms (stopped)`;
  return redact(message, auth).trim();
}

/** Removes a token that git may echo back in an error (URLs with credentials). */
export function redact(text: string, auth?: GitAuth): string {
  return auth ? text.split(auth.token).join("***") : text;
}

/**
 * `git am`'s message without its advice to `--continue`, `--skip` or `--abort`: the run has
 * already aborted the session, so that advice would mislead.
 */
export function withoutAmAdvice(message: string): string {
  return message
    .split("\n")
    .filter((line) => !/^hint:|git am --(continue|skip|abort)|^Use 'git am --show-current-patch/.test(line))
    .join("\n")
    .trim();
}

/** `git ls-remote` could not list `remote` (unknown, unreachable, refused): callers can name it. */
export class LsRemoteError extends Error {
  constructor(
    readonly remote: string,
    message: string,
  ) {
    super(message);
  }
}

/** ref -> SHA on a remote for the given patterns (e.g. `refs/heads/main`, `refs/pull/*\/head`). */
export async function lsRemote(
  remote: string,
  patterns: readonly string[],
  auth?: GitAuth,
  timeoutMs = DEFAULT_GIT_TIMEOUT_MS,
): Promise<Map<string, string>> {
  let out: string;
  try {
    out = await gitIn(process.cwd(), auth, timeoutMs).raw(["ls-remote", "--", remote, ...patterns]);
  } catch (err) {
    throw new LsRemoteError(remote, `git ls-remote ${remote} failed: ${gitFailure(err, timeoutMs, auth)}`);
  }
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [sha, ref] = line.trim().split(/\s+/);
    if (sha && ref) refs.set(ref, sha);
  }
  return refs;
}

export type MergeOutcome =
  | { ok: true; commit: string; tree: string }
  | { ok: false; files: string[]; message: string; unrelated?: true };
export type PatchOutcome = { ok: true } | { ok: false; patch: string; message: string };

export interface CloneOptions {
  auth?: GitAuth;
  identity: GitIdentity;
  /** See DEFAULT_GIT_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** A working clone kept under a work dir and reused across runs (the warm path). */
export class WorkingClone {
  private constructor(
    readonly dir: string,
    readonly remote: string,
    private readonly git: SimpleGit,
    private readonly timeoutMs: number,
    private readonly auth?: GitAuth,
  ) {}

  /**
   * Opens (creating an empty repository on first use) the clone at `dir` for `remote`. A warm
   * run spawns no git process here: the settings ride on each command, and fetch and push name
   * the remote's URL, so no config is read or written.
   */
  static async open(dir: string, remote: string, options: CloneOptions): Promise<WorkingClone> {
    fs.mkdirSync(dir, { recursive: true });
    const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
    const git = gitIn(dir, options.auth, timeoutMs, cloneSettings(options.identity));
    if (!fs.existsSync(`${dir}/.git`)) await git.raw(["init", "--initial-branch=kci-work"]);
    return new WorkingClone(dir, remote, git, timeoutMs, options.auth);
  }

  private async run(args: string[], what: string): Promise<string> {
    try {
      return await this.git.raw(args);
    } catch (err) {
      const message = gitFailure(err, this.timeoutMs, this.auth);
      throw new Error(`${what} failed in ${this.dir} (remote ${this.remote}): ${message}`);
    }
  }

  /**
   * One fetch of all `refspecs` (with --prune: local copies of deleted refs go too). Verbose,
   * because simple-git waits 50 ms more after a command that prints nothing, as a fetch with
   * nothing new does.
   */
  async fetch(refspecs: readonly string[]): Promise<void> {
    await this.run(["fetch", "--prune", "--no-tags", "--verbose", this.remote, ...refspecs], "git fetch");
  }

  /** The commit a ref points to, or null when it does not exist. */
  async resolve(ref: string): Promise<string | null> {
    try {
      return (await this.git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
    } catch {
      return null;
    }
  }

  async hasCommit(sha: string): Promise<boolean> {
    return (await this.resolve(sha)) !== null;
  }

  /** The commits of `shas` this clone does not have (one git call when all are present). */
  async missingCommits(shas: readonly string[]): Promise<string[]> {
    const unique = [...new Set(shas)];
    try {
      await this.git.raw(["rev-list", "--no-walk", ...unique]);
      return [];
    } catch {
      const present = await Promise.all(unique.map((sha) => this.hasCommit(sha)));
      return unique.filter((_, i) => !present[i]);
    }
  }

  /**
   * Detaches HEAD at `commit` with a clean tree, dropping any merge or `git am` left behind
   * by an interrupted run.
   */
  async checkout(commit: string): Promise<void> {
    if (fs.existsSync(`${this.dir}/.git/rebase-apply`)) await this.run(["am", "--abort"], "git am --abort");
    if (fs.existsSync(`${this.dir}/.git/MERGE_HEAD`))
      await this.run(["merge", "--abort"], "git merge --abort");
    await this.run(["checkout", "--force", "--detach", commit], "git checkout");
    await this.run(["clean", "--quiet", "-ffdx"], "git clean");
  }

  /**
   * A no-fast-forward merge of `theirs` into `ours`, computed in memory (`git merge-tree`,
   * no index or worktree to update, so a merge costs two short git calls): the merge commit,
   * or the conflicting paths. When `theirs` adds nothing (`oursTree` unchanged) no commit is
   * made and `ours` is returned, as `git merge` would say "Already up to date".
   */
  async mergeCommit(ours: string, oursTree: string, theirs: string, message: string): Promise<MergeOutcome> {
    let tree: string;
    try {
      tree = (
        await this.git.raw(["merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs])
      ).trim();
    } catch (err) {
      // Conflicts (status 1) print the tree, then one conflicting path per line; a real
      // failure prints "fatal: ..." instead.
      const lines = (err instanceof Error ? err.message : String(err)).trim().split("\n");
      if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(lines[0])) {
        const files = [...new Set(lines.slice(1).filter(Boolean))].sort();
        return { ok: false, files, message: `conflicts in ${files.join(", ")}` };
      }
      // Like `git merge`, no merge without a common ancestor: an outcome, not a failure.
      if (lines.some((line) => /refusing to merge unrelated histories/.test(line))) {
        return { ok: false, files: [], message: "no common history with the branch", unrelated: true };
      }
      throw new Error(
        `git merge-tree ${ours} ${theirs} failed in ${this.dir}: ${redact(lines.join("\n"), this.auth)}`,
      );
    }
    if (tree === oursTree) return { ok: true, commit: ours, tree };
    const commit = await this.run(
      ["commit-tree", tree, "-p", ours, "-p", theirs, "-m", message],
      "git commit-tree",
    );
    return { ok: true, commit: commit.trim(), tree };
  }

  /** `git am` of each patch in order; stops at the first that fails, leaving HEAD before it. */
  async applyPatches(patches: readonly string[]): Promise<PatchOutcome> {
    for (const patch of patches) {
      try {
        await this.git.raw(["am", patch]);
      } catch (err) {
        await this.git.raw(["am", "--abort"]).catch(() => undefined);
        return { ok: false, patch, message: withoutAmAdvice(gitFailure(err, this.timeoutMs, this.auth)) };
      }
    }
    return { ok: true };
  }

  /** Commits `paths` of the worktree on HEAD, dated `date`. */
  async commitPaths(paths: readonly string[], message: string, date: Date): Promise<void> {
    await this.run(["add", "--", ...paths], "git add");
    await this.run(["commit", "--quiet", "--date", date.toISOString(), "-m", message], "git commit");
  }

  async treeOf(ref: string): Promise<string | null> {
    try {
      return (await this.git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{tree}`])).trim() || null;
    } catch {
      return null;
    }
  }

  /** An annotated tag at `target` (replacing a local tag of that name left by a run that did not push). */
  async tag(name: string, message: string, target = "HEAD"): Promise<void> {
    await this.run(["tag", "--force", "--annotate", "--message", message, name, target], "git tag");
  }

  /** Local tag names matching a glob (`refs/tags/<glob>`). */
  async tags(glob: string): Promise<string[]> {
    const out = await this.run(
      ["for-each-ref", "--format=%(refname:strip=2)", `refs/tags/${glob}`],
      "git for-each-ref",
    );
    return out.split("\n").filter(Boolean);
  }

  /** Local tag names matching a glob whose tag points at `commit` (annotated tags peeled). */
  async tagsAt(commit: string, glob: string): Promise<string[]> {
    const out = await this.run(
      ["for-each-ref", `--points-at=${commit}`, "--format=%(refname:strip=2)", `refs/tags/${glob}`],
      "git for-each-ref",
    );
    return out.split("\n").filter(Boolean);
  }

  async deleteLocalTags(names: readonly string[]): Promise<void> {
    if (names.length > 0) await this.run(["tag", "--delete", ...names], "git tag --delete");
  }

  /**
   * One atomic push of `refspecs` (`+src:dst` to force, `:dst` to delete): the remote takes
   * all of them or none.
   */
  async push(refspecs: readonly string[]): Promise<void> {
    await this.run(["push", "--atomic", "--porcelain", this.remote, ...refspecs], "git push");
  }
}
