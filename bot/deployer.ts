import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type EngineEvent, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { pidAlive } from "../lib/lock";
import { type EngineLock, parseLockError, provablyOwnStale } from "./engineLock";
import { mergedPrs } from "./included";
import type { Cycle, Deploy } from "./policy";
import type { IncludedPr } from "./report";
import type { Operation } from "./state";

export interface Progress {
  done: number;
  total: number;
}

export interface DeployRequest {
  deploy: Deploy;
  logFile: string;
  /** The bot's operation that a restart of the bot interrupted, if any: its stale lock may be cleared. */
  interrupted: Operation | null;
}

/**
 * How a deploy ended, for the PR reports: a successful one carries the stack's non-secret
 * outputs; both carry the PRs the staging branches it built merged (`included`).
 */
export type DeployOutcome = (
  | { result: "succeeded"; outputs?: Record<string, unknown> }
  | { result: "failed"; error: string }
) & { included?: IncludedPr[] };

/** When the stack was last deployed, as the engine's history tells (seeds a fresh bot state). */
export interface LastDeploys {
  lastStart: number;
  lastEnd: number;
  lastFullStart: number | null;
}

/** What the runner asks of the engine: one operation at a time, cancelled through `signal`. */
export interface Deployer {
  /** Rejects with `DeployCancelled` when `signal` aborts it. */
  deploy(
    request: DeployRequest,
    signal: AbortSignal,
    onProgress: (p: Progress) => void,
  ): Promise<DeployOutcome>;
  lastDeploys(): Promise<LastDeploys | null>;
}

export class DeployCancelled extends Error {
  constructor(id: number) {
    super(`deploy #${id} was cancelled`);
    this.name = "DeployCancelled";
  }
}

/** The cycle the program runs (index.ts reads it; people running `pulumi up` get the stack's own). */
export const CYCLE_ENV = "KCI_BOT_CYCLE";
const messagePrefix = "kcibot deploy";

export interface PulumiDeployerOptions {
  stackName: string;
  /** The project directory (Pulumi.yaml and the stack files). */
  workDir: string;
  envVars: Record<string, string>;
  /** The pulumi binary's root directory (bin/pulumi below it); default: the one on PATH. */
  pulumiRoot?: string;
  lockWaitMs: number;
  hostname?: string;
}

/**
 * Deploys through the Pulumi Automation API on the same program and stack people run by hand
 * (the staging-branch and procedure engines run inside it). A restart aborts the running `up`
 * (the CLI gets SIGINT and releases its lock); a lock left by a killed bot is cleared only when
 * `provablyOwnStale` says it is the bot's.
 */
export class PulumiDeployer implements Deployer {
  constructor(private readonly options: PulumiDeployerOptions) {}

  private async stack(cycle?: Cycle): Promise<Stack> {
    const { stackName, workDir, envVars, pulumiRoot } = this.options;
    const pulumiCommand = pulumiRoot ? await PulumiCommand.get({ root: pulumiRoot }) : undefined;
    return LocalWorkspace.selectStack(
      { stackName, workDir },
      { envVars: { ...envVars, ...(cycle ? { [CYCLE_ENV]: cycle } : {}) }, pulumiCommand },
    );
  }

  async deploy(
    request: DeployRequest,
    signal: AbortSignal,
    onProgress: (p: Progress) => void,
  ): Promise<DeployOutcome> {
    const { deploy } = request;
    const stack = await this.stack(deploy.cycle);
    const before = await stack.exportStack();
    const progress = { done: 0, total: before.deployment?.resources?.length ?? 0 };
    onProgress(progress);
    fs.mkdirSync(path.dirname(request.logFile), { recursive: true });
    const log = fs.createWriteStream(request.logFile, { flags: "a" });
    const errors: string[] = [];
    const onEvent = (e: EngineEvent) => {
      if (e.resourcePreEvent) progress.total = Math.max(progress.total, progress.done + 1);
      if (e.resOutputsEvent) progress.done += 1;
      if (e.diagnosticEvent?.severity === "error") errors.push(e.diagnosticEvent.message.trim());
      if (e.resourcePreEvent || e.resOutputsEvent) onProgress({ ...progress });
    };
    const deadline = Date.now() + this.options.lockWaitMs;
    let interrupted = request.interrupted;
    try {
      for (;;) {
        if (signal.aborted) throw new DeployCancelled(deploy.id);
        try {
          const up = await stack.up({
            message: `${messagePrefix} #${deploy.id} (${deploy.cycle}, attempt ${deploy.attempt})`,
            onOutput: (out) => log.write(out),
            onEvent,
            signal,
          });
          const outputs = Object.entries(up.outputs).filter(([, o]) => !o.secret);
          return {
            result: "succeeded",
            outputs: Object.fromEntries(outputs.map(([k, o]) => [k, o.value])),
            included: await included(stack),
          };
        } catch (err) {
          if (signal.aborted) throw new DeployCancelled(deploy.id);
          const locks = parseLockError(String((err as Error).message));
          if (locks === null) {
            const error = errors.join("\n") || firstLines((err as Error).message);
            return { result: "failed", error, included: await included(stack) };
          }
          interrupted = await this.handleLock(stack, locks, interrupted, deadline, log);
        }
      }
    } finally {
      await new Promise((resolve) => log.end(resolve));
    }
  }

  /** Clears the bot's own stale lock, or waits for another holder until the deadline. */
  private async handleLock(
    stack: Stack,
    locks: EngineLock[],
    interrupted: Operation | null,
    deadline: number,
    log: fs.WriteStream,
  ): Promise<Operation | null> {
    const hostname = this.options.hostname ?? os.hostname();
    const proof = provablyOwnStale(locks, interrupted, hostname, pidAlive);
    if (proof.own) {
      log.write(`kcibot: clearing the stale stack lock: ${proof.why}\n`);
      await stack.cancel();
      return null; // cleared once; a new lock is someone else's
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the stack ${this.options.stackName} stays locked (${proof.why}); nothing was deployed`,
      );
    }
    log.write(`kcibot: the stack is locked (${proof.why}); waiting\n`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return interrupted;
  }

  /** A secret of the stack's configuration (decrypted by the engine), or undefined when unset. */
  async secret(key: string): Promise<string | undefined> {
    const stack = await this.stack();
    return stack.getConfig(key, true).then(
      (v) => v.value,
      () => undefined,
    );
  }

  async lastDeploys(): Promise<LastDeploys | null> {
    const stack = await this.stack();
    const updates = (await stack.history(20)).filter((u) => u.kind === "update" && u.result === "succeeded");
    if (updates.length === 0) return null;
    const isFull = (u: (typeof updates)[number]) =>
      u.message?.startsWith(messagePrefix)
        ? u.message.includes("(full")
        : !/"cycle"\s*:\s*"partial"/.test(String(u.config?.["kernelci:procedure"]?.value ?? ""));
    const full = updates.find(isFull);
    return {
      lastStart: new Date(updates[0].startTime).getTime(),
      lastEnd: new Date(updates[0].endTime ?? updates[0].startTime).getTime(),
      lastFullStart: full ? new Date(full.startTime).getTime() : null,
    };
  }
}

/** The PRs the stack's staging branches hold after an update; none when the state cannot be read. */
async function included(stack: Stack): Promise<IncludedPr[]> {
  return stack.exportStack().then(mergedPrs, () => []);
}

function firstLines(text: string): string {
  return text.split("\n").slice(0, 20).join("\n");
}
