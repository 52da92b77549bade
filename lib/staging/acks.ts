import * as fs from "node:fs";
import { z } from "zod";
import type { PullAck } from "./eligibility";

/** The acks file the bot writes: every maintainer's ack still alive, across repositories. */
const acksFileSchema = z.array(
  z
    .object({
      /** `owner/name` or `name`. */
      repo: z.string().min(1),
      pr: z.number().int().positive(),
      sha: z.string().regex(/^[0-9a-f]{40}$/, "expected a full commit SHA"),
      by: z.string().min(1),
      at: z.number(),
    })
    .strict(),
);

/** The acks of `repo` in `file`; none when the file does not exist (no ack given yet). */
export function readAcks(file: string | undefined, repo: string): PullAck[] {
  if (file === undefined || !fs.existsSync(file)) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`Cannot read the acks file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = acksFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - [${i.path.join(".")}] ${i.message}`).join("\n");
    throw new Error(`Invalid acks file ${file}:\n${problems}`);
  }
  return parsed.data
    .filter((a) => a.repo === repo || a.repo.endsWith(`/${repo}`))
    .map(({ pr, sha, by }) => ({ number: pr, sha, by }));
}
