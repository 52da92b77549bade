import type { PullRequest } from "../forge/types";

/** Why a PR stays out of the staging branch; every skipped PR has exactly one. */
export type SkipReason =
  | "head-missing"
  | "untrusted"
  | "skip-list"
  | "label"
  | "base"
  | "draft"
  | "stale"
  | "held";

/** The settings of one repository's staging branch that decide which PRs enter it. */
export interface EligibilityPolicy {
  /** The main branch; PRs based elsewhere need the `staging:<main>` label. */
  main: string;
  /** GitHub logins (author or head-repository owner), compared case-insensitively. */
  trusted: readonly string[];
  skipLabel: string;
  /** PR numbers (`123` or `#123`) or `owner/branch` heads. */
  skipList: readonly string[];
  skipDrafts: boolean;
  /** Skip PRs not updated for this many days. */
  staleDays?: number;
  /** Maintainers' acks ("@kcibot deploy"): each admits an untrusted PR at exactly that head. */
  acks?: readonly PullAck[];
  /** PRs the bot holds out (found faulty until their next push), with why. */
  held?: readonly { number: number; reason: string }[];
  /** A bisection step of the bot: only these PRs enter. */
  step?: { only: readonly number[]; reason: string };
}

export interface PullAck {
  number: number;
  sha: string;
  by: string;
}

export interface EligiblePull {
  number: number;
  head: string;
  author: string;
  title: string;
  /** Why a PR by someone not trusted is in: `acked by <login> at <sha>`. */
  admitted?: string;
}

export interface SkippedPull {
  number: number;
  reason: SkipReason;
  /** The reason in words, naming what decided it. */
  detail: string;
}

/** One PR in the order considered, with its verdict (the CLI's table, the bot's report). */
export type Verdict = { pull: PullRequest } & ({ eligible: true } | { eligible: false; skip: SkippedPull });

export interface Classification {
  /** In merge order: oldest first (createdAt, then number). */
  eligible: EligiblePull[];
  skipped: SkippedPull[];
  verdicts: Verdict[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Merge order: older PRs first, so they win conflicts; the number breaks ties. */
export function compareMergeOrder(
  a: Pick<PullRequest, "createdAt" | "number">,
  b: Pick<PullRequest, "createdAt" | "number">,
): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta - tb;
  return a.number - b.number;
}

/** True when `login` is on the trusted list, ignoring case (GitHub logins are case-insensitive). */
export function isTrusted(login: string | null | undefined, trusted: readonly string[]): boolean {
  if (!login) return false;
  const wanted = login.toLowerCase();
  return trusted.some((name) => name.toLowerCase() === wanted);
}

function onSkipList(pull: PullRequest, skipList: readonly string[]): string | undefined {
  return skipList.find((entry) => {
    const number = /^#?(\d+)$/.exec(entry.trim());
    if (number) return Number(number[1]) === pull.number;
    const head = /^([^/\s]+)\/(.+)$/.exec(entry.trim());
    return (
      head !== null &&
      pull.headRef !== undefined &&
      pull.headOwner !== null &&
      head[1].toLowerCase() === pull.headOwner.toLowerCase() &&
      head[2] === pull.headRef
    );
  });
}

/** The ack that admits `pull` at its current head, if any: an ack for an older head has expired. */
function ackOf(pull: PullRequest, policy: EligibilityPolicy): PullAck | undefined {
  return policy.acks?.find((a) => a.number === pull.number && a.sha === pull.headSha);
}

/**
 * The reason `pull` stays out of staging, or null when it is eligible. Checked in the legacy
 * order (head, trust, skip list, label, base), then drafts and staleness.
 */
export function skipReason(pull: PullRequest, policy: EligibilityPolicy, now: Date): SkippedPull | null {
  const skip = (reason: SkipReason, detail: string): SkippedPull => ({ number: pull.number, reason, detail });
  if (pull.headSha === null || pull.headOwner === null) {
    return skip("head-missing", "the head repository or refs/pull/<N>/head is gone");
  }
  if (
    !isTrusted(pull.author, policy.trusted) &&
    !isTrusted(pull.headOwner, policy.trusted) &&
    !ackOf(pull, policy)
  ) {
    return skip(
      "untrusted",
      `neither the author ${pull.author} nor the head owner ${pull.headOwner} is trusted`,
    );
  }
  const listed = onSkipList(pull, policy.skipList);
  if (listed !== undefined) return skip("skip-list", `listed in skipList as "${listed}"`);
  if (pull.labels.includes(policy.skipLabel)) return skip("label", `labelled ${policy.skipLabel}`);
  if (pull.base !== policy.main && !pull.labels.includes(`staging:${policy.main}`)) {
    return skip("base", `based on ${pull.base}, not ${policy.main}, and no staging:${policy.main} label`);
  }
  if (policy.skipDrafts && pull.draft) return skip("draft", "draft PR");
  const held = policy.held?.find((h) => h.number === pull.number);
  if (held) return skip("held", held.reason);
  if (policy.step && !policy.step.only.includes(pull.number)) return skip("held", policy.step.reason);
  if (policy.staleDays !== undefined) {
    const idleDays = (now.getTime() - Date.parse(pull.updatedAt)) / DAY_MS;
    if (idleDays > policy.staleDays) {
      return skip("stale", `not updated for ${Math.floor(idleDays)} days (limit ${policy.staleDays})`);
    }
  }
  return null;
}

/** Splits the open PRs of a repository into the merge list and the skipped ones with reasons. */
export function classifyPulls(
  pulls: readonly PullRequest[],
  policy: EligibilityPolicy,
  now: Date,
): Classification {
  const verdicts: Verdict[] = [...pulls].sort(compareMergeOrder).map((pull) => {
    const skip = skipReason(pull, policy, now);
    return skip ? { pull, eligible: false, skip } : { pull, eligible: true };
  });
  const eligible: EligiblePull[] = [];
  const skipped: SkippedPull[] = [];
  for (const v of verdicts) {
    if (v.eligible) {
      const trusted = isTrusted(v.pull.author, policy.trusted) || isTrusted(v.pull.headOwner, policy.trusted);
      const ack = trusted ? undefined : ackOf(v.pull, policy);
      eligible.push({
        number: v.pull.number,
        head: v.pull.headSha as string,
        author: v.pull.author,
        title: v.pull.title,
        ...(ack ? { admitted: `acked by ${ack.by} at ${ack.sha}` } : {}),
      });
    } else {
      skipped.push(v.skip);
    }
  }
  return { eligible, skipped, verdicts };
}
