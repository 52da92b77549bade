import * as fs from "node:fs";
import lockfile from "proper-lockfile";

/**
 * Runs `fn` while holding a file lock on `dir` (`<dir>.lock`), so that two runs on the same
 * working clone (the bot and a person, two stacks) never interleave. A lock left by a dead
 * process goes stale after a minute (the holder refreshes it while alive).
 */
export async function withLock<T>(dir: string, fn: () => Promise<T>, waitSeconds = 600): Promise<T> {
  fs.mkdirSync(dir, { recursive: true });
  const lockfilePath = `${dir}.lock`;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath,
      stale: 60_000,
      retries: {
        retries: Math.max(1, waitSeconds),
        minTimeout: 1_000,
        maxTimeout: 1_000,
        factor: 1,
      },
    });
  } catch (err) {
    throw new Error(
      `Another run holds ${lockfilePath} (the staging bot or a person) and it was not released within ` +
        `${waitSeconds} s; nothing was changed. Wait for it to finish, or remove the lock if no run is active. ` +
        `(${err instanceof Error ? err.message : String(err)})`,
    );
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
