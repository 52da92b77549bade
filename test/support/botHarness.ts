import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { DeployCancelled, type Deployer, type DeployOutcome, type DeployRequest } from "../../bot/deployer";
import { botLogger } from "../../bot/log";
import { type BotService, startBotService } from "../../bot/service";
import type { Snapshot } from "../../bot/updates";
import { botSchema } from "../../config/bot";
import { stagingSchema } from "../../config/staging";

/** A deployer that records each request and finishes when the test says so (or when aborted). */
export class FakeDeployer implements Deployer {
  readonly requests: DeployRequest[] = [];
  private readonly pending: ((o: DeployOutcome) => void)[] = [];

  deploy(request: DeployRequest, signal: AbortSignal): Promise<DeployOutcome> {
    this.requests.push(request);
    return new Promise((resolve, reject) => {
      this.pending.push(resolve);
      signal.addEventListener("abort", () => {
        this.pending.splice(this.pending.indexOf(resolve), 1);
        reject(new DeployCancelled(request.deploy.id));
      });
    });
  }

  /** Ends the oldest unfinished deploy. */
  finish(outcome: DeployOutcome = { result: "succeeded" }): void {
    this.pending.shift()?.(outcome);
  }

  async lastDeploys() {
    return null;
  }
}

export const secret = "test-webhook-secret";
export const repositories = ["kernelci/kernelci-core", "kernelci/kernelci-api", "kernelci/kernelci-pipeline"];

/** A bot on 127.0.0.1:0 over a temp directory, with a fake deployer and a fixed forge snapshot. */
export async function startTestBot(
  /** Raw `kernelci:bot` keys, defaulted by the schema. */
  overrides: Record<string, unknown> = {},
  deployer = new FakeDeployer(),
  /** Raw `kernelci:staging` keys over the harness's. */
  stagingOverrides: Record<string, unknown> = {},
  /** What the forge holds: the PRs a deploy includes. */
  snapshot: Snapshot = {},
): Promise<{
  service: BotService;
  deployer: FakeDeployer;
  dir: string;
  stateFile: string;
  logs: string[];
  close(): Promise<void>;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bot-"));
  const bot = botSchema.parse({
    stack: "local",
    repositories,
    listen: { host: "127.0.0.1", port: 0 },
    state: { file: path.join(dir, "state.json"), logDir: path.join(dir, "logs") },
    ...overrides,
  });
  const staging = stagingSchema.parse({
    forge: { kind: "local", root: dir },
    repos: repositories.map((r) => ({ name: r.split("/")[1] })),
    trusted: ["nuclearcat", "padovan"],
    ...stagingOverrides,
  });
  const logs: string[] = [];
  const stream = new PassThrough();
  stream.on("data", (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean)));
  const service = await startBotService({
    bot,
    staging,
    cwd: dir,
    secrets: { webhookSecret: secret },
    deployer,
    updates: { snapshot: async () => snapshot },
    log: botLogger(stream),
  });
  // A fresh bot checks the forge at once: let that answer arrive before the test begins.
  const asked = () => service.runner.state.policy.lastCheck !== null && !service.runner.state.policy.checking;
  while (!asked()) await new Promise((resolve) => setTimeout(resolve, 5));
  return {
    service,
    deployer,
    dir,
    stateFile: bot.state.file,
    logs,
    async close() {
      await service.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Short real durations for bot tests: deploys start within a fraction of a second. */
export const quickDurations = {
  settleMinutes: 0.002,
  cooldownMinutes: 0.002,
  fullIntervalMinutes: 600,
  checkIntervalMinutes: 600,
};

/**
 * Polls `ok` until it holds. Generous bound: every step of the bot saves its state with fsync,
 * slow on a busy disk; this is a bound, not a timing.
 */
export async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
