import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import lockfile from "proper-lockfile";
import { type BotState, initialBotState } from "./state";

/**
 * The bot's state on disk: one JSON file, replaced atomically (write a temporary file, fsync,
 * rename, fsync the directory), so a crash leaves the old state or the new one, never half.
 * The file is locked while a bot runs: two bots never share a state (nor run two deploys).
 * A second bot waits up to 20 s for the lock, then gives up.
 */
export class StateStore {
  private constructor(
    readonly file: string,
    private readonly release: () => Promise<void>,
    private current: BotState,
  ) {}

  static async open(file: string): Promise<StateStore> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let release: () => Promise<void>;
    try {
      // A killed bot's lock goes stale after 10 s (a live one refreshes it): wait that long for it.
      release = await lockfile.lock(path.dirname(file), {
        lockfilePath: `${file}.lock`,
        stale: 10_000,
        retries: { retries: 20, minTimeout: 1_000, maxTimeout: 1_000, factor: 1 },
      });
    } catch (err) {
      throw new Error(
        `Another bot holds ${file}.lock: one bot per state file (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    try {
      return new StateStore(file, release, readState(file));
    } catch (err) {
      await release();
      throw err;
    }
  }

  get state(): BotState {
    return this.current;
  }

  /** Replaces the state on disk; asynchronous, so webhooks are answered while it is written. */
  async save(state: BotState): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const file = await fsp.open(tmp, "w");
    try {
      await file.writeFile(JSON.stringify(state));
      await file.sync();
    } finally {
      await file.close();
    }
    await fsp.rename(tmp, this.file);
    const dir = await fsp.open(path.dirname(this.file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.current = state;
  }

  async close(): Promise<void> {
    await this.release().catch(() => undefined);
  }
}

/** The state in `file`, or the initial state when there is none yet. */
export function readState(file: string): BotState {
  if (!fs.existsSync(file)) return initialBotState;
  let parsed: BotState;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(
      `The bot state ${file} is not valid JSON (${(err as Error).message}); nothing was changed. ` +
        "Restore it from a backup or move it away to start from an empty state.",
    );
  }
  if (parsed.version !== 1) {
    throw new Error(`The bot state ${file} has version ${String(parsed.version)}; this bot reads version 1.`);
  }
  return parsed;
}
