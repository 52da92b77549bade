/**
 * The change summary of a release (seed 002: "a summary of all the changes going into
 * production", mailed a day ahead), as pure functions of each component's commits between
 * its deployed production branch and the release commit.
 *
 * A PR reaches main either as a merge commit (`Merge pull request #N from ...`: every commit
 * it brings is attributed to #N) or squashed (`Title (#N)`). Merge commits are not listed
 * themselves: the commits they bring are.
 */
import { createHash } from "node:crypto";
import type { LogCommit } from "../git/log";

export interface ComponentChanges {
  component: string;
  tag: string;
  branch: string;
  /** The release commit. */
  target: string;
  /** The deployed branch's commit (null: none yet). */
  deployed: string | null;
  /** Commits of `target` not in `deployed`, newest first (as `git log` lists them). */
  commits: LogCommit[];
}

export interface ChangeEntry {
  sha: string;
  title: string;
  author: string;
  pr: number | null;
}

export interface ComponentSummary {
  component: string;
  tag: string;
  branch: string;
  commit: string;
  deployed: string | null;
  /** Oldest first, the order they were merged in. */
  entries: ChangeEntry[];
}

export interface ChangeSummary {
  /** The release's name: its tag, or each component's when they differ. */
  name: string;
  components: ComponentSummary[];
  markdown: string;
  text: string;
  /**
   * Identifies what is released (each component's tag and commit): the announcement's key. Not
   * what it replaces: once deployed the summary says "no change", and the release is the same.
   */
  digest: string;
}

const MERGE_PR = /^Merge pull request #(\d+) from \S+/;
const SQUASH_PR = /^(.*\S)\s+\(#(\d+)\)$/;

/** Every commit of `start` and its ancestors that lie within `inRange`. */
function ancestry(starts: readonly string[], inRange: Map<string, LogCommit>): Set<string> {
  const seen = new Set<string>();
  const queue = starts.filter((sha) => inRange.has(sha));
  while (queue.length > 0) {
    const sha = queue.pop() as string;
    if (seen.has(sha)) continue;
    seen.add(sha);
    for (const parent of inRange.get(sha)?.parents ?? []) if (inRange.has(parent)) queue.push(parent);
  }
  return seen;
}

/** The PR number each commit of the range came with, from the merge commits that name one. */
export function prOfCommits(commits: readonly LogCommit[]): Map<string, number> {
  const inRange = new Map(commits.map((c) => [c.sha, c]));
  const prs = new Map<string, number>();
  // Oldest merge first: a commit belongs to the PR that first brought it to main.
  for (const merge of [...commits].reverse()) {
    const m = MERGE_PR.exec(merge.subject);
    if (!m || merge.parents.length < 2) continue;
    const mainline = ancestry([merge.parents[0]], inRange);
    for (const sha of ancestry(merge.parents.slice(1), inRange)) {
      if (!mainline.has(sha) && !prs.has(sha)) prs.set(sha, Number(m[1]));
    }
  }
  return prs;
}

/** The listed changes of one component: its non-merge commits, oldest first. */
export function changeEntries(commits: readonly LogCommit[]): ChangeEntry[] {
  const prs = prOfCommits(commits);
  return [...commits]
    .reverse()
    .filter((c) => c.parents.length < 2)
    .map((c) => {
      const squash = SQUASH_PR.exec(c.subject);
      const pr = prs.get(c.sha) ?? (squash ? Number(squash[2]) : null);
      return {
        sha: c.sha,
        title: squash && pr === Number(squash[2]) ? squash[1] : c.subject,
        author: c.author,
        pr,
      };
    });
}

const short = (sha: string) => sha.slice(0, 12);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function releaseName(components: readonly ComponentSummary[]): string {
  const tags = [...new Set(components.map((c) => c.tag))];
  return tags.length === 1 ? tags[0] : components.map((c) => `${c.component} ${c.tag}`).join(", ");
}

/** One line saying where a component goes from and to. */
function headline(c: ComponentSummary): string {
  const from = c.deployed === null ? `no ${c.branch} branch yet` : `${c.branch} at ${short(c.deployed)}`;
  const count =
    c.deployed === null
      ? "first release, history not listed"
      : c.entries.length === 0
        ? "no change"
        : plural(c.entries.length, "commit");
  return `${c.tag} at ${short(c.commit)}, over ${from}: ${count}`;
}

const credit = (e: ChangeEntry) => (e.pr === null ? e.author : `#${e.pr}, ${e.author}`);

export function renderMarkdown(components: readonly ComponentSummary[]): string {
  const lines = [`# KernelCI production release ${releaseName(components)}`, ""];
  for (const c of components) {
    lines.push(`## ${c.component}`, "", headline(c), "");
    if (c.deployed === null) continue;
    for (const e of c.entries) lines.push(`- ${e.title} (${credit(e)}) \`${short(e.sha)}\``);
    if (c.entries.length > 0) lines.push("");
  }
  return lines.join("\n");
}

/** Plain text for the mailing list: no markup, lines kept short where the titles allow. */
export function renderText(components: readonly ComponentSummary[]): string {
  const lines = [`KernelCI production release ${releaseName(components)}`, ""];
  for (const c of components) {
    lines.push(`${c.component}: ${headline(c)}`);
    if (c.deployed !== null) for (const e of c.entries) lines.push(`  * ${e.title} (${credit(e)})`);
    lines.push("");
  }
  return lines.join("\n");
}

export function summarizeRelease(changes: readonly ComponentChanges[]): ChangeSummary {
  const components = changes.map((c) => ({
    component: c.component,
    tag: c.tag,
    branch: c.branch,
    commit: c.target,
    deployed: c.deployed,
    entries: c.deployed === null ? [] : changeEntries(c.commits),
  }));
  const key = components.map((c) => [c.component, c.tag, c.commit]);
  return {
    name: releaseName(components),
    components,
    markdown: renderMarkdown(components),
    text: renderText(components),
    digest: `sha256:${createHash("sha256").update(JSON.stringify(key)).digest("hex")}`,
  };
}
