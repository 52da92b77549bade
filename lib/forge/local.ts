import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { KciError } from "../errors";
import { lsRemote } from "../git/repo";
import type { Forge, PullRequest } from "./types";

/** One entry of a local pulls file: what GitHub's API would say about an open PR. */
export const localPullSchema = z
  .object({
    number: z.number().int().positive(),
    title: z.string(),
    author: z.string().min(1),
    headOwner: z.string().min(1).optional(),
    headRef: z.string().min(1).optional(),
    base: z.string().min(1),
    labels: z.array(z.string()).default([]),
    draft: z.boolean().default(false),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export type LocalPull = z.input<typeof localPullSchema>;

const localTeamsSchema = z.record(z.string(), z.array(z.string().min(1)));

/** Reads and validates a pulls file; the error names the file and each bad key. */
export function readPullsFile(file: string): z.infer<typeof localPullSchema>[] {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new KciError(
      "input",
      `Cannot read the pulls file ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const result = z.array(localPullSchema).safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - [${i.path.join(".")}] ${i.message}`).join("\n");
    throw new KciError("input", `Invalid pulls file ${file}:\n${problems}`);
  }
  return result.data;
}

/**
 * PRs of a local pulls file with their heads read from the remote's `refs/pull/<N>/head`
 * (one ls-remote); a PR without that ref is reported with a missing head.
 */
export async function pullsFromFile(pullsFile: string, remote: string): Promise<PullRequest[]> {
  const entries = readPullsFile(pullsFile);
  const refs = await lsRemote(remote, ["refs/pull/*/head"]);
  return entries.map((e) => ({
    number: e.number,
    title: e.title,
    author: e.author,
    headOwner: e.headOwner ?? e.author,
    headRef: e.headRef,
    headSha: refs.get(`refs/pull/${e.number}/head`) ?? null,
    base: e.base,
    labels: e.labels,
    draft: e.draft,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  }));
}

/**
 * The `local` forge: under `root`, each repository is a git remote `<repo>.git` (PR heads at
 * `refs/pull/<N>/head`, as on GitHub) with its open PRs in `<repo>.pulls.json`.
 */
export class LocalForge implements Forge {
  readonly location: string;

  constructor(root: string) {
    this.location = path.resolve(root);
  }

  remote(repo: string): string {
    return path.join(this.location, `${repo}.git`);
  }

  pullsFile(repo: string): string {
    return path.join(this.location, `${repo}.pulls.json`);
  }

  async openPulls(repo: string): Promise<PullRequest[]> {
    if (!fs.existsSync(this.remote(repo))) {
      throw new Error(
        `Local forge: no repository ${this.remote(repo)}; create the fixtures with ` +
          `\`npx ts-node --transpile-only local/forge.ts ${this.location}\` (scripts/setup does it).`,
      );
    }
    return pullsFromFile(this.pullsFile(repo), this.remote(repo));
  }

  /** Teams of a local forge: `teams.json` beside the repositories, slug -> logins. */
  async teamMembers(team: string): Promise<string[] | null> {
    const file = path.join(this.location, "teams.json");
    if (!fs.existsSync(file)) return null;
    const result = localTeamsSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!result.success) {
      const problems = result.error.issues.map((i) => `  - [${i.path.join(".")}] ${i.message}`).join("\n");
      throw new Error(`Invalid teams file ${file}:\n${problems}`);
    }
    return result.data[team] ?? null;
  }
}

/** A single repository given on the command line: a remote plus a pulls file. */
export class PullsFileForge implements Forge {
  readonly location: string;

  constructor(
    private readonly remoteUrl: string,
    private readonly file: string,
  ) {
    this.location = file;
  }

  remote(): string {
    return this.remoteUrl;
  }

  openPulls(): Promise<PullRequest[]> {
    return pullsFromFile(this.file, this.remoteUrl);
  }
}
