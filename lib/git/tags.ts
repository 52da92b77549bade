/**
 * Dated tags `<prefix><YYYYMMDD>.<N>` (staging branches, kernel test revisions): naming and
 * pruning, as pure functions. Only names of EXACTLY this pattern are ever considered, so a
 * prune can never delete an unrelated tag that merely contains the prefix (a defect of the
 * legacy scripts).
 */

export interface DatedTag {
  name: string;
  /** The day, YYYYMMDD (UTC). */
  day: string;
  /** The serial number within the day, from 0. */
  n: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `<prefix><YYYYMMDD>.<N>`, N without leading zeros. */
export function datedTagPattern(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(prefix)}(\\d{8})\\.(0|[1-9]\\d*)$`);
}

/** The parts of a dated tag, or null when `name` does not follow the pattern exactly. */
export function parseDatedTag(prefix: string, name: string): DatedTag | null {
  const m = datedTagPattern(prefix).exec(name);
  if (!m) return null;
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n)) return null;
  return { name, day: m[1], n };
}

/** The UTC day of `now` as YYYYMMDD. */
export function tagDay(now: Date): string {
  return now.toISOString().slice(0, 10).replace(/-/g, "");
}

/**
 * The next tag of the day: one more than the highest N already used that day (so a tag is
 * never reused, even after older ones of the same day were pruned), starting at 0.
 */
export function nextDatedTag(prefix: string, now: Date, existing: readonly string[]): string {
  const day = tagDay(now);
  let next = 0;
  for (const name of existing) {
    const tag = parseDatedTag(prefix, name);
    if (tag && tag.day === day && tag.n >= next) next = tag.n + 1;
  }
  return `${prefix}${day}.${next}`;
}

/** Newest first: by day, then by N (numerically: .10 is newer than .9). */
export function compareDatedTags(a: DatedTag, b: DatedTag): number {
  if (a.day !== b.day) return a.day < b.day ? 1 : -1;
  return b.n - a.n;
}

/** The dated tags to delete so that only the newest `keep` of the pattern remain. */
export function datedTagsToPrune(prefix: string, existing: readonly string[], keep: number): string[] {
  const tags = [...new Set(existing)]
    .map((name) => parseDatedTag(prefix, name))
    .filter((tag): tag is DatedTag => tag !== null)
    .sort(compareDatedTags);
  return tags.slice(Math.max(keep, 0)).map((tag) => tag.name);
}

/**
 * The newest dated tag that names `commit` among a remote's `git ls-remote` refs, or null.
 * Annotated tags are listed twice: the `^{}` line names the commit they point at.
 */
export function remoteDatedTagAt(
  prefix: string,
  refs: ReadonlyMap<string, string>,
  commit: string,
): string | null {
  const tags: DatedTag[] = [];
  for (const [ref, sha] of refs) {
    if (!ref.startsWith("refs/tags/") || ref.endsWith("^{}")) continue;
    const tag = parseDatedTag(prefix, ref.slice("refs/tags/".length));
    if (tag && (refs.get(`${ref}^{}`) ?? sha) === commit) tags.push(tag);
  }
  return tags.sort(compareDatedTags)[0]?.name ?? null;
}
