/**
 * `npm run bench:bot`: kcibot under a burst of webhooks on loopback. 1,000 valid signed
 * deliveries within 10 s plus 100 with bad signatures, to a bot with a 2 s settle time whose
 * deploys hold the (stand-in) engine until the end. Prints the acknowledgement latency, the
 * deploys started, the bad deliveries that changed state and the memory growth, each next to
 * its target. Nothing is deployed: the deployer only records what it was asked. The bot runs
 * in a child process, so its memory is measured apart from the client's.
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { signedDelivery, testPayload } from "../bot/delivery";
import { DeployCancelled, type Deployer, type DeployRequest } from "../bot/deployer";
import { botLogger } from "../bot/log";
import { startBotService } from "../bot/service";
import { initialBotState } from "../bot/state";
import { botSchema } from "../config/bot";
import { stagingSchema } from "../config/staging";

const GOOD = 1_000;
const BAD = 100;
const WINDOW_MS = 8_000;
const secret = "bench-webhook-secret";
const repositories = ["kernelci/kernelci-core", "kernelci/kernelci-api", "kernelci/kernelci-pipeline"];

/** Holds every deploy until it is cancelled: the burst sees one deploy running throughout. */
class HoldingDeployer implements Deployer {
  readonly requests: DeployRequest[] = [];
  deploy(request: DeployRequest, signal: AbortSignal): Promise<never> {
    this.requests.push(request);
    return new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(new DeployCancelled(request.deploy.id))),
    );
  }
  async lastDeploys() {
    return null;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mb = (bytes: number) => bytes / 1024 / 1024;
const gc = () => (global as { gc?: () => void }).gc?.();

/** The bot, over a fresh state whose last full cycle was an hour ago, with a holding deployer. */
async function startBenchBot(dir: string) {
  const stateFile = path.join(dir, "state.json");
  // The last full cycle an hour ago: the burst makes a partial deploy, which may restart once.
  const hourAgo = Date.now() - 3_600_000;
  fs.writeFileSync(
    stateFile,
    JSON.stringify({
      ...initialBotState,
      policy: { ...initialBotState.policy, lastStart: hourAgo, lastFullStart: hourAgo, lastEnd: hourAgo },
    }),
  );
  const bot = botSchema.parse({
    stack: "bench",
    repositories,
    listen: { port: 0 },
    durations: { settleMinutes: 2 / 60, cooldownMinutes: 0.5, checkIntervalMinutes: 600 },
    state: { file: stateFile, logDir: path.join(dir, "logs") },
  });
  const staging = stagingSchema.parse({
    forge: { kind: "local", root: dir },
    repos: repositories.map((r) => ({ name: r.split("/")[1] })),
    trusted: ["nuclearcat"],
  });
  const deployer = new HoldingDeployer();
  const service = await startBotService({
    bot,
    staging,
    cwd: dir,
    secrets: { webhookSecret: secret },
    deployer,
    updates: { snapshot: async () => ({}) },
    log: botLogger(fs.createWriteStream(path.join(dir, "bot.log"))),
  });
  return { service, deployer };
}

const memory = () => {
  gc();
  return process.memoryUsage().rss;
};

/** The bot under test, in a process of its own so that its memory is measured alone. */
async function serve(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bench-bot-"));
  const { service, deployer } = await startBenchBot(dir);
  const send = (m: unknown) => process.send?.(m);
  process.on("message", async (m: { ask: string }) => {
    if (m.ask === "memory") send({ rss: memory() });
    if (m.ask === "report") {
      await service.runner.dispatch({ type: "tick" });
      const state = service.runner.state;
      // The bot's own view: the smallest histogram bucket holding 99 % of the deliveries.
      const buckets = (await service.metrics.webhookSeconds.get()).values.filter((v) =>
        v.metricName?.endsWith("_bucket"),
      );
      const total = buckets.find((b) => b.labels.le === "+Inf")?.value ?? 0;
      const p99Bucket = buckets.find((b) => b.value >= 0.99 * total)?.labels.le;
      send({
        p99Bucket,
        rss: memory(),
        state: JSON.stringify([state.seen, state.policy, state.history]),
        started: new Set(deployer.requests.map((r) => r.deploy.id)).size,
        restarts: deployer.requests.filter((r) => r.deploy.attempt > 0).length,
      });
      await service.close();
      fs.rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  send({ url: service.url });
}

type Reply = {
  url?: string;
  rss?: number;
  state?: string;
  started?: number;
  restarts?: number;
  p99Bucket?: string | number;
};

/** The burst's deliveries, signed beforehand: the latency measured is the bot's, not the signing. */
function signedDeliveries() {
  return Promise.all(
    Array.from({ length: GOOD + BAD }, async (_, i) => {
      const bad = i % 11 === 10 && i / 11 < BAD;
      const pr = bad ? 9_000 + i : 1 + (i % 40);
      const payload = testPayload({
        event: "pull_request",
        repo: repositories[i % 3],
        pr,
        sha: i.toString(16).padStart(40, "0"),
      });
      const d = await signedDelivery(bad ? "not-the-secret" : secret, "pull_request", payload, `bench-${i}`);
      return { ...d, bad, id: `bench-${i}`, pr };
    }),
  );
}

/** Sends the deliveries spread over the window; each one's latency and the answers by status. */
async function sendBurst(url: string, deliveries: { headers: Record<string, string>; body: string }[]) {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const start = performance.now();
  await Promise.all(
    deliveries.map(async (d, i) => {
      await new Promise((resolve) => setTimeout(resolve, (i * WINDOW_MS) / deliveries.length));
      const t = performance.now();
      const res = await fetch(`${url}/webhook`, { method: "POST", headers: d.headers, body: d.body });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), statuses, elapsed: performance.now() - start };
}

/** The bot's child process, and a function that waits for its next reply. */
function forkBot() {
  const child = fork(__filename, ["--serve"], {
    execArgv: ["--expose-gc", "-r", "ts-node/register/transpile-only"],
  });
  const replies: Reply[] = [];
  const waiters: ((r: Reply) => void)[] = [];
  child.on("message", (m: Reply) => (waiters.shift() ?? ((r: Reply) => replies.push(r)))(m));
  const reply = () =>
    new Promise<Reply>((resolve) =>
      replies.length > 0 ? resolve(replies.shift() as Reply) : waiters.push(resolve),
    );
  return { child, reply };
}

async function main(): Promise<void> {
  const { child, reply } = forkBot();
  const { url } = await reply();
  const deliveries = await signedDeliveries();
  const bads = deliveries.filter((d) => d.bad);
  child.send({ ask: "memory" });
  const before = (await reply()).rss ?? 0;
  const { latencies: sorted, statuses, elapsed } = await sendBurst(url as string, deliveries);
  child.send({ ask: "report" });
  const report = await reply();
  const touched = report.state ?? "";
  const badChanged = bads.filter(
    (d) => touched.includes(`"${d.id}"`) || new RegExp(`"pr":${d.pr}[,}]`).test(touched),
  ).length;
  const rows: [string, string, string][] = [
    [
      "deliveries sent",
      `${GOOD} valid + ${bads.length} bad signatures in ${(elapsed / 1000).toFixed(1)} s`,
      "within 10 s",
    ],
    [
      "answers",
      [...statuses].map(([s, n]) => `${n} x ${s}`).join(", "),
      `${GOOD} x 202, ${bads.length} x 401`,
    ],
    ["ack latency p50", `${percentile(sorted, 50).toFixed(2)} ms`, "-"],
    ["ack latency p99", `${percentile(sorted, 99).toFixed(2)} ms`, "< 20 ms"],
    ["handling p99 inside the bot (histogram bucket)", `<= ${Number(report.p99Bucket) * 1000} ms`, "-"],
    ["deploys started", `${report.started} (restarted ${report.restarts}x)`, "<= 1"],
    ["bad deliveries that changed state", String(badChanged), "0"],
    ["bot memory growth (rss, after gc)", `${mb((report.rss ?? 0) - before).toFixed(1)} MB`, "< 50 MB"],
  ];
  printTable(rows);
}

function printTable(rows: [string, string, string][]): void {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  process.stdout.write(
    `kcibot burst benchmark, ${new Date().toISOString()}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ` +
      `${mb(os.totalmem()).toFixed(0)} MB, load average ${load}\n\n| measure | value | target |\n| --- | --- | --- |\n` +
      rows.map((r) => `| ${r.join(" | ")} |`).join("\n") +
      "\n",
  );
}

(process.argv.includes("--serve") ? serve() : main()).catch((err) => {
  process.stderr.write(`bench-bot: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
