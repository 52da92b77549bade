import type { CommitStatus, PullRequestClient } from "../lib/forge/pullRequests";
import { findOwnComment } from "./report";

/**
 * What the bot owes GitHub: statuses, comments and labels not posted yet. It is part of the
 * bot's durable state, so a report that could not be posted (GitHub down, rate limited) is
 * posted later, never dropped; a newer report for the same thing replaces an older one.
 */
export type Report =
  | { kind: "status"; repo: string; sha: string; status: CommitStatus }
  | { kind: "comment"; repo: string; pr: number; body: string }
  /** An answer to a command: a comment of its own, posted once. */
  | { kind: "reply"; repo: string; pr: number; id: string; body: string }
  | { kind: "label"; repo: string; pr: number; label: string; present: boolean };

export interface Pending {
  report: Report;
  attempts: number;
  /** Not before (ms since the epoch). */
  nextAt: number;
  lastError?: string;
}

/** What a report is about: a newer report with the same key supersedes an older one. */
export function reportKey(r: Report): string {
  switch (r.kind) {
    case "status":
      return `status ${r.repo}@${r.sha} ${r.status.context}`;
    case "comment":
      return `comment ${r.repo}#${r.pr}`;
    case "reply":
      return `reply ${r.id}`;
    case "label":
      return `label ${r.repo}#${r.pr} ${r.label}`;
  }
}

export function enqueue(outbox: readonly Pending[], report: Report, now: number): Pending[] {
  const key = reportKey(report);
  return [...outbox.filter((p) => reportKey(p.report) !== key), { report, attempts: 0, nextAt: now }];
}

/** The wait before the next try: 30 s doubling, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/** Posts one report through the client; a comment edits the bot's own comment when there is one. */
export async function post(report: Report, client: PullRequestClient, botLogin: string): Promise<void> {
  switch (report.kind) {
    case "status":
      return client.setStatus(report.repo, report.sha, report.status);
    case "reply":
      await client.createComment(report.repo, report.pr, report.body);
      return;
    case "label":
      return report.present
        ? client.addLabel(report.repo, report.pr, report.label)
        : client.removeLabel(report.repo, report.pr, report.label);
    case "comment": {
      const comments = await client.comments(report.repo, report.pr);
      const own = findOwnComment(
        comments.map((c) => ({ ...c, user: { login: c.user } })),
        botLogin,
      );
      if (own) await client.updateComment(report.repo, own.id, report.body);
      else await client.createComment(report.repo, report.pr, report.body);
    }
  }
}

/** Posts what is due, in order; what fails stays, with its next try backed off. */
export async function flush(
  outbox: readonly Pending[],
  client: PullRequestClient,
  botLogin: string,
  now: number,
): Promise<Pending[]> {
  const left: Pending[] = [];
  for (const pending of outbox) {
    if (pending.nextAt > now) {
      left.push(pending);
      continue;
    }
    try {
      await post(pending.report, client, botLogin);
    } catch (err) {
      const attempts = pending.attempts + 1;
      left.push({ ...pending, attempts, nextAt: now + backoffMs(attempts), lastError: String(err) });
    }
  }
  return left;
}
