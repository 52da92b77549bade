import { postDelivery, signedDelivery, testPayload } from "../../bot/delivery";
import { readState } from "../../bot/store";
import { FakeDeployer, secret, startTestBot, until } from "../support/botHarness";

// The runner with a deployer the test finishes by hand, on short real durations.
const durations = {
  settleMinutes: 0.002,
  cooldownMinutes: 0.004,
  fullIntervalMinutes: 600,
  checkIntervalMinutes: 600,
};

describe("the runner", () => {
  it("starts after the settle time, restarts once by really cancelling, and records the history", async () => {
    const bot = await startTestBot({ durations });
    try {
      const send = async (pr: number, id: string) =>
        postDelivery(
          bot.service.url,
          await signedDelivery(
            secret,
            "pull_request",
            testPayload({ event: "pull_request", repo: "kernelci/kernelci-api", pr }),
            id,
          ),
        );
      await send(1, "d1");
      await until("the first deploy", () => bot.deployer.requests.length === 1);
      const [first] = bot.deployer.requests;
      expect(first.deploy).toMatchObject({ id: 1, attempt: 0, cycle: "full" });
      // A full cycle is never interrupted: this one waits.
      await send(2, "d2");
      bot.deployer.finish();
      await until("the deploy after the cool-down", () => bot.deployer.requests.length === 2);
      expect(bot.deployer.requests[1].deploy).toMatchObject({ id: 2, attempt: 0, cycle: "partial" });
      await send(3, "d3");
      await until("the restart", () => bot.deployer.requests.length === 3);
      expect(bot.deployer.requests[2].deploy).toMatchObject({ id: 2, attempt: 1 });
      await send(4, "d4");
      bot.deployer.finish();
      await until("deploy #2 finished", () =>
        bot.service.runner.state.history.some((r) => r.id === 2 && r.result === "succeeded"),
      );
      expect(bot.service.runner.state.history.map((r) => [r.id, r.attempt, r.result])).toEqual([
        [1, 0, "succeeded"],
        [2, 0, "restarted"],
        [2, 1, "succeeded"],
      ]);
      expect(bot.service.runner.state.policy.scheduled?.changes.map((c) => c.pr)).toEqual([4]);
      const metrics = await (await fetch(`${bot.service.url}/metrics`)).text();
      expect(metrics).toMatch(/kcibot_deploys_total\{cycle="partial",result="succeeded"\} 1/);
      expect(metrics).toMatch(/kcibot_deploy_restarts_total 1/);
    } finally {
      await bot.close();
    }
  });

  it("after a stop during a deploy, a new bot on the same state runs it again with the interrupted operation", async () => {
    const bot = await startTestBot({ durations });
    const { dir, stateFile } = bot;
    await postDelivery(
      bot.service.url,
      await signedDelivery(
        secret,
        "push",
        testPayload({ event: "push", repo: "kernelci/kernelci-core" }),
        "p1",
      ),
    );
    await until("the deploy", () => bot.deployer.requests.length === 1);
    await bot.service.close();
    const saved = readState(stateFile);
    expect(saved.policy.running).toMatchObject({ id: 1 });
    expect(saved.operation).toMatchObject({ deploy: 1, attempt: 0 });

    const again = new FakeDeployer();
    const second = await startTestBot(
      { durations, state: { file: stateFile, logDir: `${dir}/logs` } },
      again,
    );
    try {
      await until("the re-run", () => again.requests.length === 1);
      expect(again.requests[0].deploy).toMatchObject({ id: 1, attempt: 0 });
      expect(again.requests[0].interrupted).toEqual(saved.operation);
      expect(second.service.runner.state.seen).toEqual(["p1"]);
      again.finish();
      await until("the end", () => second.service.runner.state.policy.running === null);
      expect(second.service.runner.state.history.map((r) => r.result)).toEqual(["interrupted", "succeeded"]);
    } finally {
      await second.close();
    }
  });
});
