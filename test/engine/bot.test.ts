import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { deploysFor } from "../../bot/bisect";
import { postDelivery, signedDelivery, testPayload } from "../../bot/delivery";
import { COMMENT_MARKER, STATUS_CONTEXT } from "../../bot/report";
import type { BotState } from "../../bot/state";
import { readState } from "../../bot/store";
import { addLocalPull, createLocalForge } from "../../local/forge";
import { git, pullEntry } from "../../local/gitFixtures";
import { localStack, localStagingConfig, renderDirOf, repoRoot } from "../support/engine";
import { type GithubServer, serveLocalForge, startGithubServer } from "../support/githubServer";

// kcibot as a process (`kci-deploy bot --config …`) deploying an isolated local stack through
// the real engine: a signed webhook starts a partial deploy, a second one during it restarts it
// once; killed mid-deploy, the bot comes back and runs the deploy again; a PR that breaks the
// stack is found, labelled and held out, and the rest deploys. PRs come from the local forge;
// labels, comments and statuses go to the GitHub double, which serves the same PRs.
const secret = "engine-test-webhook-secret";
const MIN = 60_000;

describe("kcibot deploys the local stack", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bot-engine-"));
  const stateFile = path.join(dir, "bot", "state.json");
  const logDir = path.join(dir, "bot", "logs");
  const configFile = path.join(dir, "project", "Pulumi.local.yaml");
  const forge = path.join(dir, "forge");
  let stack: Stack;
  let github: GithubServer;
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
    github = await startGithubServer();
    createLocalForge(forge);
    serveLocalForge(github, forge, "kernelci");
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
      // The double has no secondary rate limits: no pacing of writes.
      pullRequests: { apiUrl: github.url, paceWrites: false, admins: ["padovan"] },
    };
    const staging = {
      ...localStagingConfig(forge, path.join(dir, "staging-work")),
      botFile: path.join(dir, "bot", "staging.json"),
    };
    stack = await localStack("local", dir, { "kernelci:bot": bot, "kernelci:staging": staging });
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
    await github?.close();
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

  it("finds the PR that breaks the stack, labels and holds it out, and deploys the rest", async () => {
    const config = (file: string) =>
      fs.readFileSync(path.join(repoRoot, "local/kernelci-pipeline/config", file), "utf8");
    const android = 'android:\n    url: "https://android.googlesource.com/kernel/common"\n';
    // Three PRs by trusted authors; the last renames the API instance kernelci.toml names, so
    // the program refuses to deploy it. The first touches the same component, the second not.
    const good = addLocalPull(
      forge,
      "kernelci-pipeline",
      pullEntry(3003, { author: "padovan", title: "config: the Android common kernel tree" }),
      { "config/trees.yaml": config("trees.yaml").replace("trees:\n", `trees:\n  ${android}\n`) },
    );
    const api = addLocalPull(
      forge,
      "kernelci-api",
      pullEntry(2003, { author: "nuclearcat", title: "api: report the version" }),
      { "api/version.py": "VERSION = '0.2'\n" },
    );
    const bad = addLocalPull(
      forge,
      "kernelci-pipeline",
      pullEntry(3004, { author: "padovan", title: "config: rename the local API instance" }),
      { "config/pipeline.yaml": config("pipeline.yaml").replace("api:\n  local:\n", "api:\n  local-dev:\n") },
    );
    serveLocalForge(github, forge, "kernelci");
    const opened = testPayload({
      event: "pull_request",
      action: "opened",
      repo: "kernelci/kernelci-pipeline",
      pr: 3004,
      sha: bad,
      author: "padovan",
    });
    expect((await send("d-4", opened)).status).toBe(202);
    const failed = 3;
    await until(
      "the bisection's end",
      () =>
        state().history.some((r) => r.trigger === "bisect") &&
        state().bisection === null &&
        !state().policy.bisecting,
    );
    const pr = github.pr("kernelci", "kernelci-pipeline", 3004);
    await until("the faulty PR's label and comment", () =>
      pr.comments.some((c) => c.body.includes("bisection found it")),
    );

    // What the author sees: the label, and one comment saying what failed and how to get back in.
    expect(pr.labels).toEqual(["staging-skip"]);
    expect(pr.comments).toHaveLength(1);
    expect(pr.comments[0].body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(pr.comments[0].body).toMatch(/"local" is not an entry of "api"/);
    expect(pr.comments[0].body).toMatch(/until the next push/);
    const after = state();
    expect(after.history.find((r) => r.id === failed)).toMatchObject({
      result: "failed",
      trigger: "webhook",
    });
    const steps = after.history.filter((r) => r.trigger === "bisect");
    // Two PRs touch the pipeline config (the failing component): ⌈log2 2⌉ + 1 deploys at most.
    expect(steps.length).toBeLessThanOrEqual(deploysFor(2));
    expect(steps.at(-1)?.result).toBe("succeeded");
    expect(after.excluded).toEqual([
      {
        pr: "kernelci/kernelci-pipeline#3004",
        sha: bad,
        reason: `found faulty by kcibot: deploy #${failed} failed`,
      },
    ]);

    // The rest is deployed: the staging branches the stack runs hold the good PRs, not the faulty one.
    const merged = (repo: string) =>
      git(path.join(forge, `${repo}.git`), ["rev-list", "refs/heads/staging.kernelci.org"]).split("\n");
    expect(merged("kernelci-pipeline")).toContain(good);
    expect(merged("kernelci-pipeline")).not.toContain(bad);
    expect(merged("kernelci-api")).toContain(api);
    const heads = (await stack.outputs()).stagingHeads.value as Record<string, string>;
    expect(heads["kernelci-pipeline"]).toBe(merged("kernelci-pipeline")[0]);
    const [last] = await stack.history(1);
    expect([last.message, last.result]).toEqual([
      `kcibot deploy #${steps.at(-1)?.id} (partial, attempt 0)`,
      "succeeded",
    ]);
    // Each included PR's head carries the staging status of the deploy that included it.
    const status = (repo: string, sha: string) => github.statuses.get(`kernelci/${repo}@${sha}`)?.at(-1);
    await until("the statuses of the rest's deploy", () =>
      [status("kernelci-api", api), status("kernelci-pipeline", good)].every((st) => st?.state === "success"),
    );
    expect(status("kernelci-pipeline", good)).toMatchObject({ state: "success", context: STATUS_CONTEXT });
    expect(status("kernelci-api", api)).toMatchObject({ state: "success", context: STATUS_CONTEXT });
    expect(status("kernelci-pipeline", bad)).toMatchObject({ state: "failure", context: STATUS_CONTEXT });
  }, 600_000);
});
