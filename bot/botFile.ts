import * as fs from "node:fs";
import * as path from "node:path";
import type { BotFile } from "../lib/staging/botFile";
import type { BotState } from "./state";

/**
 * The file the bot keeps for the staging-branch engine (`staging.botFile`, read by
 * lib/staging/botFile.ts): the acks alive, the PRs held out, and the bisection step running.
 */

export type BisectionStep = { include: string[]; reason: string } | null;

/** The bisection step the running deploy is, if it is one. */
export function runningStep(state: BotState): BisectionStep {
  const running = state.policy.running;
  return running?.include
    ? { include: running.include, reason: `bisection step of deploy #${running.id}` }
    : null;
}

/** The file's content for `state`, with `step` as the bisection step. */
export function botFileOf(state: BotState, step: BisectionStep): BotFile {
  const held = state.excluded.map((e) => {
    const [repo, n] = e.pr.split("#");
    return { repo, pr: Number(n), reason: e.reason };
  });
  return { acks: state.acks, held, step };
}

/** Replaces the file at once (write then rename): the engine never reads half of it. */
export function writeBotFile(file: string, content: BotFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
