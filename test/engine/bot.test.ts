import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { postDelivery, signedDelivery, testPayload } from "../../bot/delivery";
import type { BotState } from "../../bot/state";
import { readState } from "../../bot/store";
import { localStack, renderDirOf, repoRoot } from "../support/engine";

// kcibot as a process (`kci-deploy bot --config …`) deploying an isolated local stack through
// the real engine: a signed webhook starts a partial deploy, a second one during it restarts it
// once; killed mid-deploy, the bot comes back and runs the deploy again.
const secret = "engine-test-webhook-secret";
const MIN = 60_000;

describe("kcibot deploys the local stack", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bot-engine-"));
  const stateFile = path.join(dir, "bot", "state.json");
  const logDir = path.join(dir, "bot", "logs");
  const configFile = path.join(dir, "project", "Pulumi.local.yaml");
  let stack: Stack;
  let bot: { child: ChildProcess; url: string } | undefined;

  const state = (): BotState => readState(stateFile);
  const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 300_000) => {
    const end = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; bot state: ${fs.readFileSync(stateFile, "utf8")}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const send = async (id: string, payload: Record<string, unknown>, event = "pull_request") =>
    postDelivery(bot?.url ?? "", await signedDelivery(secret, event, payload, id));
  const locks = () => {
    const root = path.join(dir, "state", ".pulumi", "locks");
    return fs.existsSync(root)
      ? fs.readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith(".json"))
      : [];
  };

  async function startBot() {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "bin/kci-deploy"), "bot", "--config", configFile],
      {
        env: {
          ...process.env,
          KCI_BOT_WEBHOOK_SECRET: secret,
          PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
        },
        // Its own process group: killing the group kills the engine it runs, as a pod's end does.
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /kcibot: local on (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`the bot exited (${code}): ${stderr}`)));
    });
    bot = { child, url };
  }
  const killBot = async () => {
    const child = bot?.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGKILL");
    await exited;
  };

  beforeAll(async () => {
    const bot = {
      stack: "local",
      workDir: path.join(dir, "project"),
      repositories: ["kernelci/kernelci-core", "kernelci/kernelci-api", "kernelci/kernelci-pipeline"],
      listen: { host: "127.0.0.1", port: 0 },
      durations: {
        settleMinutes: 0.02,
        cooldownMinutes: 0.02,
        fullIntervalMinutes: 600,
        checkIntervalMinutes: 600,
        lockWaitMinutes: 2,
      },
      state: { file: stateFile, logDir },
    };
    stack = await localStack("local", dir, { "kernelci:bot": bot });
    // The last full cycle an hour ago: webhooks now make partial deploys.
    const hourAgo = Date.now() - 60 * MIN;
    const seeded = {
      ...readState(stateFile),
      policy: {
        ...readState(stateFile).policy,
        lastStart: hourAgo,
        lastFullStart: hourAgo,
        lastEnd: hourAgo + MIN,
      },
    };
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    fs.writeFileSync(stateFile, JSON.stringify(seeded));
    await startBot();
  }, 120_000);
  afterAll(async () => {
    await killBot();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("deploys on a signed webhook, and restarts once for a second one", async () => {
    const first = await send(
      "d-1",
      testPayload({ event: "pull_request", repo: "kernelci/kernelci-api", pr: 2001, author: "nuclearcat" }),
    );
    expect(first.status).toBe(202);
    // Mid-deploy: the engine has reported resources.
    await until("the engine's progress on the status page", async () =>
      /resources done/.test(await (await fetch(`${bot?.url}/`)).text()),
    );
    const second = await send(
      "d-2",
      testPayload({ event: "pull_request", repo: "kernelci/kernelci-pipeline", pr: 3001, author: "padovan" }),
    );
    expect(second.status).toBe(202);
    await until("deploy #1 done", () =>
      state().history.some((r) => r.id === 1 && r.result !== "running" && r.attempt === 1),
    );
    expect(state().history.map((r) => [r.id, r.attempt, r.cycle, r.result])).toEqual([
      [1, 0, "partial", "restarted"],
      [1, 1, "partial", "succeeded"],
    ]);
    // The engine ran twice: the cancelled update, then the whole deploy again.
    const updates = (await stack.history()).filter((u) => u.message.startsWith("kcibot deploy #1"));
    expect(updates.map((u) => [u.message, u.result])).toEqual([
      ["kcibot deploy #1 (partial, attempt 1)", "succeeded"],
      ["kcibot deploy #1 (partial, attempt 0)", "failed"],
    ]);
    expect(fs.readdirSync(path.join(renderDirOf(dir), "1-manifest")).length).toBeGreaterThan(20);
    const outputs = await stack.outputs();
    expect(Object.keys(outputs.stagingHeads.value).sort()).toEqual([
      "kernelci-api",
      "kernelci-core",
      "kernelci-pipeline",
    ]);
    const metrics = await (await fetch(`${bot?.url}/metrics`)).text();
    expect(metrics).toMatch(/kcibot_deploy_restarts_total 1/);
    expect(metrics).toMatch(/kcibot_deploys_total\{cycle="partial",result="succeeded"\} 1/);
  }, 600_000);

  it("killed during a deploy, comes back, clears its own stale lock and runs the deploy again", async () => {
    expect(
      (await send("d-3", testPayload({ event: "push", repo: "kernelci/kernelci-core" }), "push")).status,
    ).toBe(202);
    await until(
      "deploy #2 holding the stack's lock",
      () => state().policy.running?.id === 2 && locks().length > 0,
    );
    await killBot();
    expect(locks()).toHaveLength(1);
    const killed = state();
    expect(killed.operation).toMatchObject({ deploy: 2, attempt: 0, hostname: os.hostname() });

    await startBot();
    await until("deploy #2 run again", () =>
      state().history.some((r) => r.id === 2 && r.result === "succeeded"),
    );
    const after = state();
    expect(after.history.map((r) => [r.id, r.attempt, r.result])).toEqual([
      [1, 0, "restarted"],
      [1, 1, "succeeded"],
      [2, 0, "interrupted"],
      [2, 0, "succeeded"],
    ]);
    expect(after.seen).toEqual(["d-1", "d-2", "d-3"]);
    expect(locks()).toEqual([]);
    expect(fs.readFileSync(path.join(logDir, "deploy-2-0.log"), "utf8")).toMatch(
      /clearing the stale stack lock: taken by interrupted deploy #2/,
    );
    // The state survived: a replayed delivery is still recognised.
    const replay = await send(
      "d-1",
      testPayload({ event: "pull_request", repo: "kernelci/kernelci-api", pr: 2001 }),
    );
    expect(replay.status).toBe(200);
  }, 600_000);
});
