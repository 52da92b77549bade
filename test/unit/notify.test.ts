import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type DeployEvent, eventText, webhookFormatOf, webhookPayload } from "../../lib/notify/message";
import { notifierFromEnv, webhookNotifier } from "../../lib/notify/webhook";
import { type ChatServer, startChatServer } from "../support/chatServer";
import { runCli } from "../support/cli";

const event: DeployEvent = {
  environment: "production",
  stage: "failure",
  title: "production update",
  details: "Drain: done\nPipe cleaner: regression in kbuild",
  url: "https://github.com/kernelci/kernelci-deploy/actions/runs/1",
};

describe("chat messages", () => {
  it("tells Discord's own webhooks from Slack-compatible ones", () => {
    expect(webhookFormatOf(new URL("https://discord.com/api/webhooks/1/abc"))).toBe("discord");
    expect(webhookFormatOf(new URL("https://discordapp.com/api/webhooks/1/abc"))).toBe("discord");
    expect(webhookFormatOf(new URL("https://discord.com/api/webhooks/1/abc/slack"))).toBe("slack");
    expect(webhookFormatOf(new URL("https://hooks.slack.com/services/T/B/x"))).toBe("slack");
    expect(webhookFormatOf(new URL("https://notdiscord.com/hook"))).toBe("slack");
  });

  it("puts the headline, the details and the link into the chat's field, pinging nobody on Discord", () => {
    const text =
      "kernelci-deploy production: production update FAILED\nDrain: done\nPipe cleaner: regression in kbuild\n" +
      "https://github.com/kernelci/kernelci-deploy/actions/runs/1";
    expect(webhookPayload(event, "discord")).toEqual({ content: text, allowed_mentions: { parse: [] } });
    expect(webhookPayload(event, "slack")).toEqual({ text });
  });

  it("cuts long details to what the chat accepts, keeping the headline and the link", () => {
    const text = eventText({ ...event, details: "x".repeat(10_000) }, "discord");
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.startsWith("kernelci-deploy production: production update FAILED\n")).toBe(true);
    expect(text.endsWith(`…\n${event.url}`)).toBe(true);
    expect(eventText({ ...event, details: "y".repeat(10_000) }, "slack").length).toBeLessThanOrEqual(4000);
  });
});

describe("the webhook notifier against a chat double", () => {
  let chat: ChatServer;
  beforeEach(async () => {
    chat = await startChatServer();
  });
  afterEach(() => chat.close());

  it("posts one JSON message per event", async () => {
    await expect(webhookNotifier({ url: chat.url, format: "discord" }).notify(event)).resolves.toEqual({
      sent: true,
    });
    expect(chat.posts).toEqual([
      {
        path: "/api/webhooks/123/t0ken-path",
        contentType: "application/json",
        body: webhookPayload(event, "discord"),
      },
    ]);
  });

  it("fails with the chat's answer, naming the host but never the token in the URL", async () => {
    chat.answer(401);
    const sent = webhookNotifier({ url: chat.url }).notify(event);
    await expect(sent).rejects.toThrow(
      /^chat webhook at 127\.0\.0\.1:\d+ answered 401 Unauthorized: .*Invalid Webhook Token/,
    );
    await expect(sent).rejects.not.toThrow(/t0ken/);
  });

  it("gives up on a chat that does not answer", async () => {
    chat.answer("never");
    await expect(webhookNotifier({ url: chat.url, timeoutMs: 200 }).notify(event)).rejects.toThrow(
      /did not answer in time/,
    );
  });

  it("is quiet when no webhook is configured, and rejects an unknown format", async () => {
    await expect(notifierFromEnv({}).notify(event)).resolves.toEqual({
      sent: false,
      reason: "no chat webhook configured (KCI_NOTIFY_WEBHOOK)",
    });
    await expect(notifierFromEnv({ KCI_NOTIFY_WEBHOOK: " " }).notify(event)).resolves.toMatchObject({
      sent: false,
    });
    expect(() => notifierFromEnv({ KCI_NOTIFY_WEBHOOK: chat.url, KCI_NOTIFY_FORMAT: "irc" })).toThrow(
      'KCI_NOTIFY_FORMAT: expected discord or slack, got "irc"',
    );
    expect(chat.posts).toEqual([]);
  });
});

describe("kci-deploy notify", () => {
  let chat: ChatServer;
  let dir: string;
  beforeEach(async () => {
    chat = await startChatServer();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-notify-"));
  });
  afterEach(async () => {
    await chat.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], env: NodeJS.ProcessEnv) => runCli(["notify", ...args], dir, env);
  const args = ["--environment", "staging", "--stage", "success", "--title", "staging cycle (full)"];

  it("sends the summary file as the details", async () => {
    fs.writeFileSync(path.join(dir, "report.md"), "3 PRs merged\n");
    const r = await run([...args, "--details-file", "report.md"], { KCI_NOTIFY_WEBHOOK: chat.url });
    expect(r).toMatchObject({ code: 0, stderr: "notify: sent\n" });
    expect(chat.posts.map((p) => p.body)).toEqual([
      { text: "kernelci-deploy staging: staging cycle (full) succeeded\n3 PRs merged" },
    ]);
  });

  it("still reports a failure whose summary was never written", async () => {
    const r = await run(
      [
        "--environment",
        "production",
        "--stage",
        "failure",
        "--title",
        "production update",
        "--details-file",
        "gone.md",
      ],
      { KCI_NOTIFY_WEBHOOK: chat.url },
    );
    expect(r.code).toBe(0);
    expect(chat.posts[0].body).toEqual({
      text: "kernelci-deploy production: production update FAILED\n(no summary: gone.md was not written)",
    });
  });

  it("exits 0 and sends nothing without a webhook; 1 when the chat refuses; 2 on bad usage", async () => {
    expect(await run(args, {})).toMatchObject({
      code: 0,
      stderr: "notify: nothing sent: no chat webhook configured (KCI_NOTIFY_WEBHOOK)\n",
    });
    chat.answer(500);
    expect((await run(args, { KCI_NOTIFY_WEBHOOK: chat.url })).code).toBe(1);
    const bad = await run(["--environment", "staging", "--stage", "done", "--title", "x"], {});
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'kci-deploy notify: --stage: expected start, success, failure, got "done"\n',
    });
    expect((await run(["--stage", "start"], {})).stderr).toMatch(/--environment is required/);
  });
});
