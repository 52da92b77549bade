/**
 * Polling with exponential backoff and a hard deadline: every wait of the procedure (Jenkins
 * builds, workflow runs, node trees, the drain) goes through here, so none can wait forever
 * (a defect of the legacy scripts).
 */

import { KciError } from "./errors";

export interface PollPolicy {
  /** First delay between two probes. */
  initialMs: number;
  /** Cap of the delay. */
  maxMs: number;
  /** Growth of the delay after each probe (>= 1). */
  factor: number;
  /** The deadline, counted from the first probe. */
  timeoutMs: number;
}

/**
 * The delay before the next probe, or null when the deadline has passed. `attempt` counts the
 * probes already made (>= 1), `elapsedMs` the time since the first. The last probe lands on the
 * deadline itself, so a timeout is reported only after a probe at the deadline.
 */
export function nextDelay(policy: PollPolicy, attempt: number, elapsedMs: number): number | null {
  const remaining = policy.timeoutMs - elapsedMs;
  if (remaining <= 0) return null;
  const backoff = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.min(backoff, remaining);
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type Probe<T, S> = () => Promise<{ done: true; value: T } | { done: false; status: S }>;

/** Raised when the deadline passes; `last` is what the last probe saw (ids, URLs...). */
export class PollTimeout<S> extends KciError {
  constructor(
    message: string,
    readonly last: S,
    readonly elapsedMs: number,
  ) {
    super("timeout", message);
    this.name = "PollTimeout";
  }
}

/**
 * Probes until done or until the deadline. `describe` turns the last status into the timeout
 * message, so a timeout names what was still pending.
 */
export async function pollUntil<T, S>(
  probe: Probe<T, S>,
  policy: PollPolicy,
  describe: (last: S, elapsedMs: number) => string,
  clock: Clock = systemClock,
): Promise<T> {
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await probe();
    if (outcome.done) return outcome.value;
    const elapsed = clock.now() - start;
    const delay = nextDelay(policy, attempt, elapsed);
    if (delay === null) throw new PollTimeout(describe(outcome.status, elapsed), outcome.status, elapsed);
    await clock.sleep(delay);
  }
}

/** A policy from the configuration's seconds and minutes. */
export function pollPolicy(
  poll: { initialSeconds: number; maxSeconds: number },
  timeoutMinutes: number,
): PollPolicy {
  return {
    initialMs: poll.initialSeconds * 1000,
    maxMs: poll.maxSeconds * 1000,
    factor: 2,
    timeoutMs: timeoutMinutes * 60_000,
  };
}
