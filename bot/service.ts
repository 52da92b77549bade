import type * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { BotConfig } from "../config/bot";
import type { StagingConfig } from "../config/staging";
import { createForge } from "../lib/forge";
import { githubPullRequests } from "../lib/forge/pullRequests";
import { DEFAULT_RULES } from "./components";
import type { Deployer } from "./deployer";
import type { Relevance } from "./events";
import { WebhookIntake } from "./intake";
import { botLogger, type Logger } from "./log";
import { BotMetrics } from "./metrics";
import type { Action, Timing } from "./policy";
import { createPullRequestSide } from "./pullRequestSide";
import { Runner } from "./runner";
import { createBotServer, listen } from "./server";
import { statePaths, timingOf } from "./settings";
import type { BotState } from "./state";
import { nextFullAt, renderStatusPage, statusLine } from "./statusPage";
import { StateStore } from "./store";
import { forgeUpdates, type UpdateSource } from "./updates";

export interface BotSecrets {
  webhookSecret: string;
  githubToken?: string;
}

export interface BotServiceOptions {
  bot: BotConfig;
  staging: StagingConfig;
  /** Relative paths of the configuration resolve against it (the project directory). */
  cwd: string;
  secrets: BotSecrets;
  deployer: Deployer;
  /** The forge by default (the same plan as the StagingBranch resources). */
  updates?: UpdateSource;
  log?: Logger;
  now?: () => number;
  hostname?: string;
  onAction?: (action: Action, state: BotState) => void | Promise<void>;
}

export interface BotService {
  url: string;
  runner: Runner;
  metrics: BotMetrics;
  server: http.Server;
  close(): Promise<void>;
}

/** Which deliveries count: the configured repositories, with their main branches and the staging rules. */
export function relevanceOf(bot: BotConfig, staging: StagingConfig): Relevance {
  const mains = new Map(staging.repos.map((r) => [r.name, r.main]));
  return {
    repositories: Object.fromEntries(
      bot.repositories.map((full) => [full, mains.get(full.split("/")[1]) ?? "main"]),
    ),
    trusted: staging.trusted,
    skipLabel: staging.skipLabel,
  };
}

/** Part 2 (chat-ops, acks, PR reports), where the bot section configures it. */
function pullRequestSide(o: BotServiceOptions, store: StateStore, timing: Timing, now: () => number) {
  const { bot, staging } = o;
  const settings = bot.pullRequests;
  if (!settings) return undefined;
  const owner = bot.repositories[0].split("/")[0];
  const forge = createForge(staging.forge, o.cwd, o.secrets.githubToken);
  const client = githubPullRequests({
    owner,
    token: o.secrets.githubToken,
    apiUrl: settings.apiUrl,
    paceWrites: settings.paceWrites,
  });
  return createPullRequestSide({
    forge,
    client,
    botLogin: settings.login,
    skipLabel: staging.skipLabel,
    rules: settings.componentRules ?? DEFAULT_RULES,
    botFile: staging.botFile ? path.resolve(o.cwd, staging.botFile) : undefined,
    publicUrl: bot.publicUrl ?? `http://${bot.listen.host}:${bot.listen.port}`,
    roles: {
      admins: { team: settings.adminsTeam, list: settings.admins },
      maintainers: { team: settings.maintainersTeam, list: settings.maintainers },
      trusted: { team: staging.trustedTeam, list: staging.trusted },
    },
    status: (state) => statusLine(state, timing, now()),
    nextFull: (state) => nextFullAt(state, timing),
    state: () => store.state,
  });
}

/** Opens the state, starts the runner (resuming an interrupted deploy) and listens. */
export async function startBotService(o: BotServiceOptions): Promise<BotService> {
  const { bot, staging } = o;
  const log = o.log ?? botLogger();
  const now = o.now ?? Date.now;
  const timing = timingOf(bot.durations);
  const { stateFile, logDir } = statePaths(bot, o.cwd);
  const store = await StateStore.open(stateFile);
  const fullNames = new Map(bot.repositories.map((full) => [full.split("/")[1], full]));
  const updates =
    o.updates ??
    forgeUpdates(
      staging,
      createForge(staging.forge, o.cwd, o.secrets.githubToken),
      o.cwd,
      (repo) => fullNames.get(repo) ?? repo,
    );
  const metrics = new BotMetrics(() => store.state.policy.lastFullStart, now);
  const runner = new Runner({
    store,
    deployer: o.deployer,
    updates,
    timing,
    relevance: relevanceOf(bot, staging),
    limits: { seen: bot.state.seenDeliveries, history: bot.state.history },
    logDir,
    hostname: o.hostname ?? os.hostname(),
    log,
    metrics,
    now,
    onAction: o.onAction,
    pullRequests: pullRequestSide(o, store, timing, now),
  });
  const server = createBotServer({
    intake: new WebhookIntake(o.secrets.webhookSecret, bot.maxBodyBytes),
    runner,
    metrics,
    log,
    logDir,
    renderStatus: () =>
      renderStatusPage({
        stack: bot.stack,
        state: runner.state,
        progress: runner.progress,
        timing,
        now: now(),
      }),
  });
  try {
    await runner.start();
    const address = await listen(server, bot.listen.host, bot.listen.port);
    const url = `http://${address.address}:${address.port}`;
    log.info({ url, stack: bot.stack, stateFile }, "kcibot listening");
    return {
      url,
      runner,
      metrics,
      server,
      async close() {
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeAllConnections();
        await closed;
        await runner.stop();
        await store.close();
      },
    };
  } catch (err) {
    await runner.stop();
    await store.close();
    throw err;
  }
}
