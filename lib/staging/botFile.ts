import * as fs from "node:fs";
import { z } from "zod";
import type { EligibilityPolicy, PullAck } from "./eligibility";

/**
 * The file the bot writes for the staging-branch engine: every maintainer's ack still alive,
 * and the PRs it holds out (a bisection step, a PR found faulty), across repositories.
 */
const ackSchema = z
  .object({
    /** `owner/name` or `name`. */
    repo: z.string().min(1),
    pr: z.number().int().positive(),
    sha: z.string().regex(/^[0-9a-f]{40}$/, "expected a full commit SHA"),
    by: z.string().min(1),
    at: z.number(),
  })
  .strict();
const heldSchema = z
  .object({ repo: z.string().min(1), pr: z.number().int().positive(), reason: z.string().min(1) })
  .strict();
const stepSchema = z
  .object({
    include: z.array(z.string().regex(/^[^#\s]+#\d+$/, "expected owner/name#N")),
    reason: z.string().min(1),
  })
  .strict();
const botFileSchema = z
  .object({
    acks: z.array(ackSchema).default([]),
    held: z.array(heldSchema).default([]),
    /** A bisection step: only these PRs enter; the others are held out of it. */
    step: stepSchema.nullable().default(null),
  })
  .strict();
export type BotFile = z.input<typeof botFileSchema>;

/** The numbers of `repo`'s PRs among `owner/name#N` keys. */
const prsOf = (keys: string[], repo: string) =>
  keys
    .map((k) => k.split("#"))
    .filter(([r]) => ofRepo({ repo: r }, repo))
    .map(([, n]) => Number(n));

const ofRepo = (entry: { repo: string }, repo: string) =>
  entry.repo === repo || entry.repo.endsWith(`/${repo}`);

/** The acks and held PRs of `repo` in the bot's file; none when there is no file (no bot, or not yet). */
export function readBotFile(
  file: string | undefined,
  repo: string,
): Pick<EligibilityPolicy, "acks" | "held" | "step"> & { acks: PullAck[] } {
  if (file === undefined || !fs.existsSync(file)) return { acks: [], held: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(
      `Cannot read the bot's file ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const parsed = botFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - [${i.path.join(".")}] ${i.message}`).join("\n");
    throw new Error(`Invalid bot file ${file}:\n${problems}`);
  }
  const { step } = parsed.data;
  return {
    acks: parsed.data.acks.filter((a) => ofRepo(a, repo)).map(({ pr, sha, by }) => ({ number: pr, sha, by })),
    held: parsed.data.held.filter((h) => ofRepo(h, repo)).map(({ pr, reason }) => ({ number: pr, reason })),
    ...(step ? { step: { only: prsOf(step.include, repo), reason: step.reason } } : {}),
  };
}
