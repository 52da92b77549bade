import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { readBotConfig } from "../bot/configFile";
import { postDelivery, signedDelivery, type TestEvent, testPayload } from "../bot/delivery";
import { PulumiDeployer } from "../bot/deployer";
import { botLogger } from "../bot/log";
import { notifyActions } from "../bot/notifications";
import { startBotService } from "../bot/service";
import { deployDurationsOf, timingOf } from "../bot/settings";
import { parseTimeline, simulate } from "../bot/simulate";
import { botSchema } from "../config/bot";
import { LOCAL_STACK_PASSPHRASE, readEngineEnv } from "../lib/engineEnv";
import { notifierFromEnv } from "../lib/notify/webhook";
import { projectRoot } from "../lib/project";
import { startSimulator } from "../local/kernelciSimulator/server";
import { ensureKernelFixture } from "../local/kernelFixture";
import { type CliIo, UsageError } from "./io";

/** The bot and staging sections of a stack file; a bad file is bad usage (exit code 2). */
function readConfig(file: string) {
  try {
    return readBotConfig(file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function options(args: string[], spec: Record<string, { type: "string" }>) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function simulateCommand(args: string[], io: CliIo): Promise<number> {
  const o = options(args, { events: { type: "string" }, config: { type: "string" } });
  if (!o.events) throw new UsageError("simulate needs --events <file.jsonl>");
  const file = path.resolve(io.cwd, o.events);
  if (!fs.existsSync(file)) throw new UsageError(`no such events file ${file}`);
  const bot = o.config ? readConfig(path.resolve(io.cwd, o.config)).bot : undefined;
  const durations = bot?.durations ?? botSchema.shape.durations.parse(undefined);
  const lines = parseTimeline(fs.readFileSync(file, "utf8"), file);
  const { decisions } = simulate(lines, timingOf(durations), deployDurationsOf(durations));
  for (const d of decisions) io.stdout(`${JSON.stringify(d)}\n`);
  return 0;
}

async function deliverCommand(args: string[], io: CliIo): Promise<number> {
  const o = options(args, {
    url: { type: "string" },
    event: { type: "string" },
    repo: { type: "string" },
    action: { type: "string" },
    pr: { type: "string" },
    sha: { type: "string" },
    author: { type: "string" },
    base: { type: "string" },
    body: { type: "string" },
  });
  const secret = io.env.KCI_BOT_WEBHOOK_SECRET;
  if (!secret) throw new UsageError("set KCI_BOT_WEBHOOK_SECRET to the bot's webhook secret");
  if (!o.url || !o.repo || !["pull_request", "push", "ping", "issue_comment"].includes(o.event ?? "")) {
    throw new UsageError("deliver needs --url, --repo and --event pull_request|push|ping|issue_comment");
  }
  const event: TestEvent = {
    event: o.event as TestEvent["event"],
    repo: o.repo,
    action: o.action,
    pr: o.pr === undefined ? undefined : Number(o.pr),
    sha: o.sha,
    author: o.author,
    base: o.base,
    body: o.body,
  };
  const answer = await postDelivery(o.url, await signedDelivery(secret, event.event, testPayload(event)));
  io.stdout(`${answer.status} ${answer.body}`);
  return answer.status < 300 ? 0 : 1;
}

/** Runs the bot until SIGINT or SIGTERM. */
async function runCommand(args: string[], io: CliIo): Promise<number> {
  const o = options(args, { config: { type: "string" }, stack: { type: "string" } });
  if ((o.config === undefined) === (o.stack === undefined))
    throw new UsageError("give exactly one of --config or --stack");
  const file = o.config ? path.resolve(io.cwd, o.config) : path.join(projectRoot, `Pulumi.${o.stack}.yaml`);
  const cwd = o.config ? io.cwd : projectRoot;
  const { bot, staging } = readConfig(file);
  const engine = readEngineEnv(projectRoot, io.env) ?? {};
  const envVars: Record<string, string> = { ...engine };
  if (bot.stack === "local" && !io.env.PULUMI_CONFIG_PASSPHRASE && !io.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    envVars.PULUMI_CONFIG_PASSPHRASE = LOCAL_STACK_PASSPHRASE;
  }
  const deployer = new PulumiDeployer({
    stackName: bot.stack,
    workDir: path.resolve(cwd, bot.workDir),
    envVars,
    pulumiRoot: engine.PATH ? path.dirname(engine.PATH.split(":")[0]) : undefined,
    lockWaitMs: bot.durations.lockWaitMinutes * 60_000,
  });
  const webhookSecret =
    io.env.KCI_BOT_WEBHOOK_SECRET ?? (await deployer.secret("kernelci:secrets.webhookSecret"));
  if (!webhookSecret) {
    throw new UsageError(
      `no webhook secret: set KCI_BOT_WEBHOOK_SECRET or kernelci:secrets.webhookSecret of ${file}`,
    );
  }
  const githubToken = io.env.GITHUB_TOKEN ?? (await deployer.secret("kernelci:secrets.githubToken"));
  const simulator = o.stack === "local" ? await localSimulator(deployer) : undefined;
  const log = botLogger();
  const service = await startBotService({
    bot,
    staging,
    cwd,
    secrets: { webhookSecret, githubToken },
    deployer,
    log,
    // The team's chat hears of every deploy's start and end (KCI_NOTIFY_WEBHOOK; quiet without it).
    onAction: notifyActions(notifierFromEnv(io.env), bot.stack, bot.publicUrl, (m) => log.warn(m)),
  });
  io.stderr(`kcibot: ${bot.stack} on ${service.url} (status page ${service.url}/)\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await service.close();
  await simulator?.close();
  return 0;
}

/** The local stack's KernelCI API simulator, where its configuration expects it (as scripts/up-local runs it). */
async function localSimulator(deployer: PulumiDeployer) {
  const token = await deployer.secret("kernelci:secrets.apiToken");
  const { remote } = ensureKernelFixture(path.join(projectRoot, ".local/kernel"));
  return startSimulator({
    token: token ?? "",
    scenario: "happy",
    port: 8901,
    watch: [{ remote, tree: "kernelci" }],
  });
}

export async function botCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "simulate") return simulateCommand(rest, io);
  if (sub === "deliver") return deliverCommand(rest, io);
  return runCommand(args, io);
}
