import * as path from "node:path";
import type { BotConfig } from "../config/bot";
import type { Timing } from "./policy";

const MINUTE_MS = 60_000;

/** The policy's durations in milliseconds. */
export function timingOf(durations: BotConfig["durations"]): Timing {
  return {
    settleMs: durations.settleMinutes * MINUTE_MS,
    cooldownMs: durations.cooldownMinutes * MINUTE_MS,
    fullIntervalMs: durations.fullIntervalMinutes * MINUTE_MS,
    checkIntervalMs: durations.checkIntervalMinutes * MINUTE_MS,
  };
}

/** How long `bot simulate` lets each cycle run. */
export function deployDurationsOf(durations: BotConfig["durations"]): Record<"full" | "partial", number> {
  return {
    full: durations.fullDeployMinutes * MINUTE_MS,
    partial: durations.partialDeployMinutes * MINUTE_MS,
  };
}

/** The state and log paths, resolved against `cwd`. */
export function statePaths(config: BotConfig, cwd: string): { stateFile: string; logDir: string } {
  return { stateFile: path.resolve(cwd, config.state.file), logDir: path.resolve(cwd, config.state.logDir) };
}
