import * as fs from "node:fs";
import { postDelivery, signedDelivery, testPayload } from "../../bot/delivery";
import { startTestBot } from "../support/botHarness";

// POST /webhook: every bad delivery gets its answer and leaves the bot's state as it was.
describe("the webhook intake", () => {
  let bot: Awaited<ReturnType<typeof startTestBot>>;
  beforeAll(async () => {
    bot = await startTestBot({ maxBodyBytes: 64 * 1024 });
  });
  afterAll(() => bot.close());

  const pr = testPayload({
    event: "pull_request",
    repo: "kernelci/kernelci-api",
    pr: 12,
    sha: "a".repeat(40),
  });
  const snapshot = () => ({ file: fs.readFileSync(bot.stateFile, "utf8"), state: bot.service.runner.state });
  const settled = () => bot.service.runner.dispatch({ type: "tick" });
  const post = (headers: Record<string, string>, body: string) =>
    postDelivery(bot.service.url, { headers, body });

  async function expectRefused(
    status: number,
    message: RegExp,
    headers: Record<string, string>,
    body: string,
  ) {
    await settled();
    const before = snapshot();
    const answer = await post(headers, body);
    await settled();
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body).error).toMatch(message);
    expect(snapshot()).toEqual(before);
  }

  it("refuses a delivery without a signature (401)", async () => {
    const { headers, body } = await signedDelivery("test-webhook-secret", "pull_request", pr);
    const { "x-hub-signature-256": _, ...unsigned } = headers;
    await expectRefused(401, /missing X-Hub-Signature-256/, unsigned, body);
  });

  it("refuses a delivery signed with another secret, or whose body was changed (401)", async () => {
    const other = await signedDelivery("another-secret", "pull_request", pr);
    await expectRefused(401, /wrong X-Hub-Signature-256/, other.headers, other.body);
    const good = await signedDelivery("test-webhook-secret", "pull_request", pr);
    await expectRefused(401, /wrong/, good.headers, good.body.replace('"number":12', '"number":13'));
  });

  it("refuses a body over the limit before reading it (413)", async () => {
    const big = { ...pr, padding: "x".repeat(64 * 1024) };
    const { headers, body } = await signedDelivery("test-webhook-secret", "pull_request", big);
    await expectRefused(413, /body over 65536 bytes/, headers, body);
  });

  it("refuses malformed bodies, correctly signed (400)", async () => {
    const notJson = await signedDelivery("test-webhook-secret", "pull_request", {});
    const text = "{not json";
    const { Webhooks } = await import("@octokit/webhooks");
    const signature = await new Webhooks({ secret: "test-webhook-secret" }).sign(text);
    await expectRefused(400, /not JSON/, { ...notJson.headers, "x-hub-signature-256": signature }, text);
    const noNumber = await signedDelivery("test-webhook-secret", "pull_request", { ...pr, number: "twelve" });
    await expectRefused(400, /malformed pull_request payload: number/, noNumber.headers, noNumber.body);
    const noId = await signedDelivery("test-webhook-secret", "pull_request", pr);
    const { "x-github-delivery": _, ...withoutId } = noId.headers;
    await expectRefused(400, /missing X-GitHub-Delivery/, withoutId, noId.body);
  });

  it("takes a valid delivery at once, and acknowledges and ignores its replay", async () => {
    const delivery = await signedDelivery("test-webhook-secret", "pull_request", pr, "delivery-1");
    const first = await postDelivery(bot.service.url, delivery);
    expect(first.status).toBe(202);
    await settled();
    const after = snapshot();
    expect(after.state.seen).toEqual(["delivery-1"]);
    expect(after.state.policy.scheduled?.changes).toEqual([
      expect.objectContaining({
        repo: "kernelci/kernelci-api",
        pr: 12,
        sha: "a".repeat(40),
        source: "delivery-1",
      }),
    ]);
    const replay = await postDelivery(bot.service.url, delivery);
    await settled();
    expect(replay.status).toBe(200);
    expect(JSON.parse(replay.body).status).toBe("duplicate delivery, ignored");
    expect(snapshot()).toEqual(after);
  });

  it("acknowledges and ignores what changes nothing in staging, saying why in its log", async () => {
    const cases = [
      testPayload({ event: "pull_request", repo: "kernelci/kernelci-api", pr: 9, author: "stranger" }),
      testPayload({ event: "push", repo: "kernelci/kernelci-api", base: "feature" }),
      testPayload({ event: "push", repo: "someone/else" }),
      testPayload({ event: "ping", repo: "kernelci/kernelci-api" }),
    ];
    const before = bot.service.runner.state.policy;
    for (const [i, payload] of cases.entries()) {
      const event = "action" in payload ? "pull_request" : "ref" in payload ? "push" : "ping";
      const answer = await postDelivery(
        bot.service.url,
        await signedDelivery("test-webhook-secret", event, payload, `ignored-${i}`),
      );
      expect(answer.status).toBe(202);
    }
    await settled();
    expect(bot.service.runner.state.policy).toEqual(before);
    const reasons = bot.logs
      .map((l) => JSON.parse(l))
      .filter((l) => l.decision === "ignore")
      .map((l) => l.msg);
    expect(reasons).toEqual([
      expect.stringMatching(/#9 by stranger: untrusted/),
      "push to refs/heads/feature, not to main",
      "someone/else is not a repository the bot deploys",
      "ping: pong",
    ]);
  });

  it("serves /healthz, the metrics and the status page", async () => {
    expect((await fetch(`${bot.service.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${bot.service.url}/metrics`)).text();
    for (const name of [
      "kcibot_deploys_total",
      "kcibot_deploy_restarts_total",
      "kcibot_queue_depth",
      "kcibot_webhook_handling_seconds_bucket",
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/kcibot_webhooks_total\{outcome="401"\} 3/);
    const page = await (await fetch(`${bot.service.url}/`)).text();
    expect(page).toMatch(/State: <span class="state">settling<\/span>/);
    // Mustache escapes "/" too.
    expect(page).toContain("kernelci&#x2F;kernelci-api#12 (pull_request synchronize): settle time");
  });
});
