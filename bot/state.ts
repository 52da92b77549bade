import { type Action, type Change, type Cycle, initialPolicyState, type PolicyState } from "./policy";
import type { Snapshot } from "./updates";

/** One attempt of a deploy, as the status page and the metrics show it. */
export interface DeployRecord {
  id: number;
  attempt: number;
  cycle: Cycle;
  trigger: "webhook" | "check";
  startedAt: number;
  endedAt: number | null;
  /** `restarted`: cancelled for a restart; `interrupted`: the bot stopped during it. */
  result: "running" | "succeeded" | "failed" | "restarted" | "interrupted";
  changes: Change[];
  /** The engine log of this attempt, under the log directory. */
  log: string;
  error?: string;
}

/** The engine operation in flight: what proves a stale stack lock is the bot's own. */
export interface Operation {
  deploy: number;
  attempt: number;
  hostname: string;
  startedAt: number;
}

/** Everything the bot keeps across restarts (one JSON file, written atomically). */
export interface BotState {
  version: 1;
  policy: PolicyState;
  /** Delivery ids already handled, oldest first, bounded. */
  seen: string[];
  /** Deploy attempts, oldest first, bounded. */
  history: DeployRecord[];
  /** The forge as the last successful deploy found it: the baseline of the periodic check. */
  deployed: Snapshot | null;
  operation: Operation | null;
}

export const initialBotState: BotState = {
  version: 1,
  policy: initialPolicyState,
  seen: [],
  history: [],
  deployed: null,
  operation: null,
};

/** `seen` with `id` added, forgetting the oldest beyond `limit`. */
export function remember(seen: string[], id: string, limit: number): string[] {
  const next = [...seen, id];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

export const logName = (id: number, attempt: number) => `deploy-${id}-${attempt}.log`;

/** The history after the policy's actions at `now`: attempts open, restart, and close. */
export function record(
  history: DeployRecord[],
  actions: Action[],
  now: number,
  limit: number,
): DeployRecord[] {
  let next = history;
  const close = (id: number, result: DeployRecord["result"], error?: string) => {
    next = next.map((r) =>
      r.id === id && r.result === "running" ? { ...r, result, endedAt: now, ...(error ? { error } : {}) } : r,
    );
  };
  for (const action of actions) {
    if (action.kind === "start" || action.kind === "restart") {
      const d = action.deploy;
      close(d.id, action.kind === "restart" ? "restarted" : "interrupted");
      next = [
        ...next,
        {
          id: d.id,
          attempt: d.attempt,
          cycle: d.cycle,
          trigger: d.trigger,
          startedAt: now,
          endedAt: null,
          result: "running",
          changes: d.changes,
          log: logName(d.id, d.attempt),
        },
      ];
    } else if (action.kind === "finish") {
      close(action.deploy.id, action.result, action.error);
    }
  }
  return next.length > limit ? next.slice(next.length - limit) : next;
}
