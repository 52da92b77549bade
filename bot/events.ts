import { z } from "zod";
import { isTrusted } from "../lib/staging/eligibility";
import type { Change } from "./policy";

/** A verified delivery: its id, its event name and its payload as GitHub sent it. */
export interface Delivery {
  id: string;
  event: string;
  payload: unknown;
  receivedAt: number;
}

/** What the bot needs to judge a delivery: the repositories, their main branches, the staging rules. */
export interface Relevance {
  /** `owner/name` -> main branch. */
  repositories: Record<string, string>;
  trusted: readonly string[];
  skipLabel: string;
}

const login = z.object({ login: z.string() });
const repository = z.object({ full_name: z.string() });

const pullRequestSchema = z.object({
  action: z.string(),
  number: z.number().int().positive(),
  label: z.object({ name: z.string() }).optional(),
  repository,
  pull_request: z.object({
    user: login,
    head: z.object({ sha: z.string(), repo: z.object({ owner: login }).nullable().optional() }),
    base: z.object({ ref: z.string() }),
  }),
});
const pushSchema = z.object({ ref: z.string(), after: z.string(), repository });
const pingSchema = z.object({ zen: z.string().optional(), hook_id: z.number().optional() });

export const pullRequestActions = ["opened", "reopened", "synchronize", "closed", "labeled", "unlabeled"];

/** A delivery's meaning: a change for the policy, or why it changes nothing. */
export type Meaning = { change: Change } | { ignored: string };

type Handler = { schema: z.ZodType; judge: (payload: never, d: Delivery, r: Relevance) => Meaning };

function judgePullRequest(p: z.infer<typeof pullRequestSchema>, d: Delivery, r: Relevance): Meaning {
  const repo = p.repository.full_name;
  if (!(repo in r.repositories)) return { ignored: `${repo} is not a repository the bot deploys` };
  if (!pullRequestActions.includes(p.action))
    return { ignored: `pull_request ${p.action} changes nothing in staging` };
  if (p.label && !(p.label.name === r.skipLabel || p.label.name.startsWith("staging:"))) {
    return { ignored: `label ${p.label.name} changes nothing in staging` };
  }
  const pr = p.pull_request;
  if (!isTrusted(pr.user.login, r.trusted) && !isTrusted(pr.head.repo?.owner.login, r.trusted)) {
    return {
      ignored: `${repo}#${p.number} by ${pr.user.login}: untrusted, the staging branch would not take it`,
    };
  }
  return {
    change: {
      at: d.receivedAt,
      source: d.id,
      repo,
      pr: p.number,
      sha: pr.head.sha,
      what: `pull_request ${p.action}`,
    },
  };
}

function judgePush(p: z.infer<typeof pushSchema>, d: Delivery, r: Relevance): Meaning {
  const repo = p.repository.full_name;
  const main = r.repositories[repo];
  if (main === undefined) return { ignored: `${repo} is not a repository the bot deploys` };
  if (p.ref !== `refs/heads/${main}`) return { ignored: `push to ${p.ref}, not to ${main}` };
  return { change: { at: d.receivedAt, source: d.id, repo, sha: p.after, what: `push ${main}` } };
}

/** The events the bot reads, by GitHub event name; others are acknowledged and ignored. */
const handlers: Record<string, Handler> = {
  pull_request: { schema: pullRequestSchema, judge: judgePullRequest as Handler["judge"] },
  push: { schema: pushSchema, judge: judgePush as Handler["judge"] },
  ping: { schema: pingSchema, judge: () => ({ ignored: "ping: pong" }) },
};

/** Checks the payload's shape; a message naming the first bad field when it is malformed. */
export function payloadProblem(event: string, payload: unknown): string | null {
  const handler = handlers[event];
  if (!handler) return null;
  const parsed = handler.schema.safeParse(payload);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `malformed ${event} payload: ${issue.path.join(".") || "body"}: ${issue.message}`;
}

export function meaningOf(delivery: Delivery, relevance: Relevance): Meaning {
  const handler = handlers[delivery.event];
  if (!handler) return { ignored: `event ${delivery.event} is not handled` };
  return handler.judge(handler.schema.parse(delivery.payload) as never, delivery, relevance);
}
