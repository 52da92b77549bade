import type { PullRequestClient } from "../lib/forge/pullRequests";
import { resolveRoles } from "../lib/forge/roles";
import type { Forge } from "../lib/forge/types";
import { type Ack, addAck, onHeadMoved } from "./acks";
import { authorize, type Command, parseCommands, roleOf } from "./chatops";
import type { PrComment } from "./events";
import type { Report } from "./outbox";
import type { Change, PolicyEvent } from "./policy";

/** Where each role's members come from: a forge team, else the configured list. */
export interface RoleSources {
  admins: { team?: string; list: string[] };
  maintainers: { team?: string; list: string[] };
  trusted: { team?: string; list: string[] };
}

export interface ChatOpsContext {
  forge: Forge;
  client: PullRequestClient;
  roles: RoleSources;
  skipLabel: string;
  /** The staging state in words, for `@kcibot status`. */
  status: () => string;
}

/** What one comment leads to: policy events, the acks after it, and what to post. */
export interface CommentOutcome {
  events: PolicyEvent[];
  acks: Ack[];
  reports: Report[];
}

const repoName = (full: string) => full.split("/")[1] ?? full;

/**
 * The commands of one PR comment, judged against its author's role and the PR as it is now.
 * A comment with no command changes nothing and gets no reply.
 */
export async function onComment(
  comment: PrComment,
  acks: Ack[],
  ctx: ChatOpsContext,
): Promise<CommentOutcome> {
  const commands = parseCommands(comment.body);
  const outcome: CommentOutcome = { events: [], acks, reports: [] };
  if (commands.length === 0) return outcome;
  const repo = repoName(comment.repo);
  const [roles, pull] = await Promise.all([
    resolveRoles(ctx.forge, ctx.roles),
    ctx.client.pull(repo, comment.pr),
  ]);
  const role = roleOf(comment.login, {
    admins: roles.admins.logins,
    maintainers: roles.maintainers.logins,
    trusted: roles.trusted.logins,
  });
  const trusted =
    roleOf(pull.author, { admins: [], maintainers: [], trusted: roles.trusted.logins }) === "trusted";
  const ownerTrusted =
    pull.headOwner !== null &&
    roleOf(pull.headOwner, { admins: [], maintainers: [], trusted: roles.trusted.logins }) === "trusted";
  commands.forEach((command, i) => {
    const pr = { role, head: pull.head, authorTrusted: trusted || ownerTrusted };
    const body = apply(command, pr, comment, outcome, ctx);
    if (body)
      outcome.reports.push({ kind: "reply", repo, pr: comment.pr, id: `${comment.delivery}/${i}`, body });
  });
  return outcome;
}

function apply(
  command: Command,
  pr: { role: ReturnType<typeof roleOf>; head: string; authorTrusted: boolean },
  comment: PrComment,
  outcome: CommentOutcome,
  ctx: ChatOpsContext,
): string {
  const verdict = authorize(command, pr.role, pr);
  const change = (what: string): Change => ({
    at: comment.at,
    source: comment.delivery,
    repo: comment.repo,
    pr: comment.pr,
    sha: pr.head,
    what: `${what} by ${comment.login}`,
  });
  const repo = repoName(comment.repo);
  switch (verdict.effect) {
    case "ack":
      outcome.acks = addAck(outcome.acks, {
        repo: comment.repo,
        pr: comment.pr,
        sha: pr.head,
        by: comment.login,
        at: comment.at,
      });
      outcome.events.push({ type: "change", change: change("@kcibot deploy (ack)") });
      return verdict.reply;
    case "deploy-now":
      outcome.events.push({ type: "deploy-now", change: change("@kcibot deploy") });
      return "";
    case "trigger":
      outcome.events.push({ type: "trigger", change: change("@kcibot trigger"), force: verdict.force });
      return "";
    case "skip":
    case "unskip":
      outcome.reports.push({
        kind: "label",
        repo,
        pr: comment.pr,
        label: ctx.skipLabel,
        present: verdict.effect === "skip",
      });
      outcome.events.push({ type: "change", change: change(`@kcibot ${verdict.effect}`) });
      return `\`${ctx.skipLabel}\` ${verdict.effect === "skip" ? "added: this PR leaves" : "removed: this PR enters"} staging at the next deploy.`;
    case "status":
      return ctx.status();
    case "none":
      return verdict.reply;
  }
}

/** A PR's head moved: its ack expires, and the author is told so on the PR. */
export function onPush(moved: { repo: string; pr: number; sha: string }, acks: Ack[], delivery: string) {
  const { acks: left, expired } = onHeadMoved(acks, moved);
  const reports: Report[] = expired
    ? [
        {
          kind: "reply",
          repo: repoName(moved.repo),
          pr: moved.pr,
          id: `${delivery}/ack`,
          body: `The ack by ${expired.by} was for ${expired.sha.slice(0, 12)}; the new head ${moved.sha.slice(0, 12)} needs a new \`@kcibot deploy\` from a maintainer.`,
        },
      ]
    : [];
  return { acks: left, reports };
}
