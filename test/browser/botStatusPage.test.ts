import * as fs from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { postDelivery, signedDelivery, testPayload } from "../../bot/delivery";
import { secret, startTestBot } from "../support/botHarness";
import { repoRoot } from "../support/engine";

// The status page in Debian's chromium, driven by playwright-core, with JavaScript off: the
// deploy history is there, and a screenshot is kept under test-artifacts/ (not committed).
const executablePath = process.env.KCI_CHROMIUM ?? "/usr/bin/chromium";
const artifact = path.join(repoRoot, "test-artifacts", "bot-status-page.png");

describe("the status page in a browser", () => {
  it("shows the state and the deploy history, readable without JavaScript", async () => {
    if (!fs.existsSync(executablePath)) {
      throw new Error(
        `No chromium at ${executablePath}: run scripts/setup (it installs Debian's chromium with apt-get) or set KCI_CHROMIUM.`,
      );
    }
    const bot = await startTestBot({ durations: { settleMinutes: 0.001, cooldownMinutes: 0.001 } });
    const browser = await chromium.launch({ executablePath, headless: true });
    try {
      const payload = testPayload({
        event: "pull_request",
        repo: "kernelci/kernelci-api",
        pr: 12,
        sha: "c0ffee".repeat(7).slice(0, 40),
      });
      await postDelivery(bot.service.url, await signedDelivery(secret, "pull_request", payload, "b-1"));
      while (bot.deployer.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      bot.deployer.finish();
      while (bot.service.runner.state.policy.running) await new Promise((resolve) => setTimeout(resolve, 10));

      const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await page.goto(`${bot.service.url}/`);
      await expect(page.locator(".state").textContent()).resolves.toBe("idle");
      const rows = page.locator("#history tr.deploy");
      await expect(rows.count()).resolves.toBe(1);
      const cells = await rows.first().locator("td").allTextContents();
      expect(cells.slice(0, 4)).toEqual([
        "1",
        "full",
        "kernelci/kernelci-api#12 pull_request synchronize c0ffeec0ffee",
        "succeeded",
      ]);
      await expect(rows.first().locator("a").getAttribute("href")).resolves.toBe("logs/deploy-1-0.log");
      fs.mkdirSync(path.dirname(artifact), { recursive: true });
      await page.screenshot({ path: artifact, fullPage: true });
      expect(fs.statSync(artifact).size).toBeGreaterThan(1000);
    } finally {
      await browser.close();
      await bot.close();
    }
  });
});
