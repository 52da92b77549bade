import type { Report } from "./outbox";

/**
 * What the bot tells a PR's author after a deploy (seed 003: "notify user that his PR was
 * tested full/partially"): a `kernelci/staging` commit status on the head, and one comment
 * per PR, edited in place, that the bot finds again after a restart by its marker. Pure.
 */

export const STATUS_CONTEXT = "kernelci/staging";
/** Hidden in the comment: how the bot recognises its own comment among all of a PR's. */
export const COMMENT_MARKER = "<!-- kcibot:staging-report -->";

export type DeployState = "pending" | "success" | "failure";

/** The pipe cleaner's verdict of a full cycle, as it summarises it. */
export interface CycleResult {
  builds: number;
  passRate: number;
}

/** A deploy as seen by one PR it included. */
export interface PrReport {
  cycle: "full" | "partial";
  state: DeployState;
  /** What was redeployed (partial cycles). */
  components: readonly string[];
  /** The staging tag that included the PR. */
  tag: string | null;
  result?: CycleResult;
  /** When the next full cycle is due (partial cycles), ISO 8601. */
  nextFull?: string;
  /** The deploy on the status page. */
  url: string;
  error?: string;
}

/** The commit status description: at most 140 characters, as GitHub allows. */
export function statusDescription(r: PrReport): string {
  const what =
    r.cycle === "full"
      ? r.result
        ? `full: ${r.result.builds} builds, ${(r.result.passRate * 100).toFixed(1)}% pass`
        : "full"
      : `partial: ${r.components.join(", ") || "nothing to redeploy"}`;
  const prefix = r.state === "pending" ? "deploying " : r.state === "failure" ? "failed " : "";
  return `${prefix}${what}`.slice(0, 140);
}

/** The comment's body: the marker, then the latest deploy that included the PR. */
export function commentBody(r: PrReport): string {
  const lines = [
    COMMENT_MARKER,
    `**kcibot**: this PR was deployed to staging in a **${r.cycle}** cycle: ${r.state}.`,
    "",
    `- Redeployed: ${r.cycle === "full" ? "everything" : r.components.join(", ") || "nothing"}`,
    `- Staging tag: ${r.tag ? `\`${r.tag}\`` : "none (no new staging branch)"}`,
  ];
  if (r.cycle === "full" && r.result) {
    lines.push(`- KernelCI: ${r.result.builds} builds, ${(r.result.passRate * 100).toFixed(1)}% pass`);
  }
  if (r.cycle === "partial") {
    lines.push(
      `- Tested partially (API and pipeline only): the next full cycle, with kernel builds and tests, is due ${r.nextFull ?? "when the next change arrives"}.`,
    );
  }
  if (r.error) lines.push("", "```", r.error.trim(), "```");
  lines.push("", `[This deploy on the status page](${r.url})`);
  return lines.join("\n");
}

/** The bot's own comment among a PR's comments (by its author and its marker), if any. */
export function findOwnComment<
  C extends { id: number; body?: string | null; user?: { login: string } | null },
>(comments: readonly C[], botLogin: string): C | undefined {
  return comments.find(
    (c) =>
      c.user?.login.toLowerCase() === botLogin.toLowerCase() && (c.body ?? "").startsWith(COMMENT_MARKER),
  );
}

/** The PRs a deploy includes that the report is about, with their heads (`owner/name`). */
export interface IncludedPr {
  repo: string;
  pr: number;
  sha: string;
}

/**
 * The reports of one deploy step for each PR it includes: a pending status when it starts,
 * then a success or failure status and the PR comment when it ends.
 */
export function deployReports(
  step: "start" | "finish",
  prs: readonly IncludedPr[],
  report: Omit<PrReport, "tag"> & { tags: Record<string, string | null> },
): Report[] {
  return prs.flatMap((pr): Report[] => {
    const repo = pr.repo.split("/")[1] ?? pr.repo;
    const full: PrReport = { ...report, tag: report.tags[repo] ?? null };
    const status: Report = {
      kind: "status",
      repo,
      sha: pr.sha,
      status: {
        state: full.state === "pending" ? "pending" : full.state,
        description: statusDescription(full),
        targetUrl: full.url,
        context: STATUS_CONTEXT,
      },
    };
    return step === "start"
      ? [status]
      : [status, { kind: "comment", repo, pr: pr.pr, body: commentBody(full) }];
  });
}

/** The comment on a PR found faulty: what failed and how to get back in. */
export function exclusionBody(failure: string, skipLabel: string): string {
  return [
    COMMENT_MARKER,
    `**kcibot**: staging failed with this PR, and bisection found it to be the cause. It carries the \`${skipLabel}\` label and stays out of staging until the next push (the label is then removed), or until a maintainer says \`@kcibot unskip\`.`,
    "",
    "```",
    failure.trim(),
    "```",
  ].join("\n");
}
