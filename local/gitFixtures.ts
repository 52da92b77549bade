/**
 * Real git repositories for tests, fixtures and the benchmark, built with plumbing commands on
 * bare repositories (no working tree), with fixed author and committer dates so the same
 * calls always produce the same commits.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LocalPull } from "../lib/forge/local";

/** Dates of fixture commits: a fixed origin plus one minute per commit made by a builder. */
const EPOCH = Date.parse("2026-01-05T09:00:00Z");

export function git(repo: string, args: string[], input?: string, env: Record<string, string> = {}): string {
  return execFileSync("git", args, {
    cwd: repo,
    input,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 1 << 30,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** File path -> content; null deletes the file. */
export type FileChanges = Record<string, string | null>;

/** A bare "remote" repository that fixtures write commits and refs into directly. */
export class FixtureRemote {
  private tick = 0;

  private constructor(readonly dir: string) {}

  /** Creates (or, when it exists, empties of nothing and reopens) a bare repository at `dir`. */
  static create(dir: string): FixtureRemote {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, "HEAD")))
      git(dir, ["init", "--quiet", "--bare", "--initial-branch=main"]);
    return new FixtureRemote(dir);
  }

  private dateEnv(): Record<string, string> {
    const date = new Date(EPOCH + this.tick++ * 60_000).toISOString();
    return {
      GIT_AUTHOR_NAME: "KernelCI Fixture",
      GIT_AUTHOR_EMAIL: "fixture@kernelci.org",
      GIT_COMMITTER_NAME: "KernelCI Fixture",
      GIT_COMMITTER_EMAIL: "fixture@kernelci.org",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    };
  }

  /** A commit of `changes` on top of `parent` (null: a root commit); returns its SHA, moves no ref. */
  commit(parent: string | null, changes: FileChanges, message: string): string {
    const index = path.join(this.dir, `fixture-index-${process.pid}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      if (parent) git(this.dir, ["read-tree", parent], undefined, env);
      else git(this.dir, ["read-tree", "--empty"], undefined, env);
      const lines: string[] = [];
      const toWrite = Object.entries(changes).filter(([, content]) => content !== null);
      const shas = toWrite.length
        ? git(
            this.dir,
            ["hash-object", "-w", "--stdin-paths"],
            `${toWrite.map(([f]) => this.stage(f, changes[f] as string)).join("\n")}\n`,
          )
            .trim()
            .split("\n")
        : [];
      toWrite.forEach(([file], i) => {
        lines.push(`100644 ${shas[i]}\t${file}`);
      });
      for (const [file, content] of Object.entries(changes)) {
        if (content === null) lines.push(`0 ${"0".repeat(40)}\t${file}`);
      }
      git(this.dir, ["update-index", "--index-info"], `${lines.join("\n")}\n`, env);
      const tree = git(this.dir, ["write-tree"], undefined, env).trim();
      const args = ["commit-tree", tree, "-m", message, ...(parent ? ["-p", parent] : [])];
      return git(this.dir, args, undefined, this.dateEnv()).trim();
    } finally {
      fs.rmSync(index, { force: true });
      fs.rmSync(path.join(this.dir, "fixture-staging"), { recursive: true, force: true });
    }
  }

  /** Writes content to a scratch file so hash-object can read it by path (handles any size). */
  private stage(file: string, content: string): string {
    const scratch = path.join(this.dir, "fixture-staging", file);
    fs.mkdirSync(path.dirname(scratch), { recursive: true });
    fs.writeFileSync(scratch, content);
    return scratch;
  }

  setRef(ref: string, sha: string): void {
    git(this.dir, ["update-ref", ref, sha]);
  }

  resolve(ref: string): string | null {
    try {
      return git(this.dir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).trim();
    } catch {
      return null;
    }
  }

  /** A commit on main, moving main. */
  commitOnMain(changes: FileChanges, message: string): string {
    const sha = this.commit(this.resolve("refs/heads/main"), changes, message);
    this.setRef("refs/heads/main", sha);
    return sha;
  }

  /** A PR head at refs/pull/<N>/head: one commit on top of `base` (default main). */
  pull(number: number, changes: FileChanges, message: string, base = "refs/heads/main"): string {
    const sha = this.commit(this.resolve(base), changes, message);
    this.setRef(`refs/pull/${number}/head`, sha);
    return sha;
  }

  /** A mailbox patch of `changes` on top of `base`, as `git format-patch` writes it. */
  patch(changes: FileChanges, subject: string, base = "refs/heads/main"): string {
    const sha = this.commit(this.resolve(base), changes, subject);
    return git(this.dir, ["format-patch", "-1", "--no-signature", "--stdout", sha]);
  }

  /** Every ref and every object: equal snapshots mean a byte-identical repository content. */
  snapshot(): string {
    const refs = git(this.dir, ["for-each-ref", "--format=%(objectname) %(refname)"]);
    const objects = git(this.dir, ["cat-file", "--batch-all-objects", "--batch-check"]);
    return `${refs}\n${objects}`;
  }

  tags(): string[] {
    return git(this.dir, ["for-each-ref", "--format=%(refname:strip=2)", "refs/tags"])
      .split("\n")
      .filter(Boolean);
  }

  /** An annotated tag at main, as an earlier run (or a person) would have pushed. */
  tag(name: string): void {
    git(this.dir, ["tag", "-a", "-m", name, name, "refs/heads/main"], undefined, this.dateEnv());
  }
}

/** A pulls-file entry with defaults: trusted-looking, based on main, created in order of `number`. */
export function pullEntry(number: number, fields: Partial<LocalPull> = {}): LocalPull {
  const created = new Date(EPOCH + number * 3_600_000).toISOString();
  return {
    number,
    title: `PR ${number}`,
    author: "alice",
    base: "main",
    labels: [],
    draft: false,
    createdAt: created,
    updatedAt: created,
    ...fields,
  };
}

export function writePulls(file: string, pulls: LocalPull[]): void {
  fs.writeFileSync(file, `${JSON.stringify(pulls, null, 2)}\n`);
}
