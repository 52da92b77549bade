import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import lockfile from "proper-lockfile";

/** Who holds a lock: written inside the lock directory when it is taken. */
interface LockOwner {
  pid: number;
  host: string;
}

const ownerFile = (lockfilePath: string) => path.join(lockfilePath, "owner.json");

function readOwner(lockfilePath: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(ownerFile(lockfilePath), "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

/** Does process `pid` of this host still run? */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True when the lock at `lockfilePath` was left by a process of this host that no longer
 * runs (a killed `up`): it can be cleared at once instead of waiting for it to go stale.
 */
export function heldByDeadProcess(lockfilePath: string): boolean {
  const owner = readOwner(lockfilePath);
  return owner !== null && owner.host === os.hostname() && !pidAlive(owner.pid);
}

/**
 * Runs `fn` while holding a file lock on `dir` (`<dir>.lock`), so that two runs on the same
 * working clone (the bot and a person, two stacks) never interleave. A lock left by a process
 * of this host that died is cleared at once; one left by another host goes stale after a
 * minute (the holder refreshes it while alive).
 */
export async function withLock<T>(dir: string, fn: () => Promise<T>, waitSeconds = 600): Promise<T> {
  fs.mkdirSync(dir, { recursive: true });
  const lockfilePath = `${dir}.lock`;
  if (heldByDeadProcess(lockfilePath)) fs.rmSync(lockfilePath, { recursive: true, force: true });
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
  fs.writeFileSync(ownerFile(lockfilePath), JSON.stringify({ pid: process.pid, host: os.hostname() }));
  try {
    return await fn();
  } finally {
    // proper-lockfile removes the lock directory only when it is empty.
    fs.rmSync(ownerFile(lockfilePath), { force: true });
    await release().catch(() => undefined);
  }
}
