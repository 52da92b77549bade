import type { Operation } from "./state";

/** One lock the engine reported on the stack (`created by user@host (pid N) at time`). */
export interface EngineLock {
  url: string;
  user: string;
  hostname: string;
  pid: number;
  at: number;
}

/** The locks named in the engine's "the stack is currently locked" error, or null for any other error. */
export function parseLockError(message: string): EngineLock[] | null {
  if (!message.includes("the stack is currently locked")) return null;
  const locks: EngineLock[] = [];
  for (const m of message.matchAll(/^\s*(\S+): created by ([^@\s]+)@(\S+) \(pid (\d+)\) at (\S+)$/gm)) {
    locks.push({ url: m[1], user: m[2], hostname: m[3], pid: Number(m[4]), at: Date.parse(m[5]) });
  }
  return locks;
}

/** The lock's timestamp has second precision: allow this much before the operation's start. */
const SLACK_MS = 5_000;

/**
 * Whether every lock is provably the bot's own stale lock: the bot recorded an operation in
 * flight when it stopped (`interrupted`), the lock was taken on that operation's host after
 * it started, and its process is gone (another host: the old pod; this host: a dead pid).
 * Anything else may be a person's `pulumi up`: the bot waits for it instead.
 */
export function provablyOwnStale(
  locks: EngineLock[],
  interrupted: Operation | null,
  hostname: string,
  isAlive: (pid: number) => boolean,
): { own: boolean; why: string } {
  if (locks.length === 0) return { own: false, why: "the engine named no lock" };
  if (interrupted === null) return { own: false, why: "no bot operation was interrupted" };
  for (const lock of locks) {
    const where = `${lock.user}@${lock.hostname} (pid ${lock.pid})`;
    if (lock.hostname !== interrupted.hostname) {
      return { own: false, why: `${where} is not the host of interrupted deploy #${interrupted.deploy}` };
    }
    if (lock.at < interrupted.startedAt - SLACK_MS) {
      return { own: false, why: `${where} was taken before deploy #${interrupted.deploy} started` };
    }
    if (lock.hostname === hostname && isAlive(lock.pid)) {
      return { own: false, why: `${where} is still running` };
    }
  }
  return {
    own: true,
    why: `taken by interrupted deploy #${interrupted.deploy} on ${interrupted.hostname}, whose process is gone`,
  };
}
