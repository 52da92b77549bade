import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { botFileOf, runningStep, writeBotFile } from "../../bot/botFile";
import { initialBotState } from "../../bot/state";
import { readBotFile } from "../../lib/staging/botFile";

describe("the bot's file for the staging engine (bot/botFile.ts)", () => {
  const sha = "a".repeat(40);
  const state = {
    ...initialBotState,
    acks: [{ repo: "kernelci/kernelci-api", pr: 7, sha, by: "broonie", at: 1 }],
    excluded: [
      { pr: "kernelci/kernelci-pipeline#5", sha, reason: "found faulty by kcibot: deploy #1 failed" },
    ],
    policy: {
      ...initialBotState.policy,
      running: {
        id: 3,
        cycle: "partial" as const,
        attempt: 0,
        startedAt: 1,
        changes: [],
        trigger: "bisect" as const,
        include: ["kernelci/kernelci-pipeline#4"],
      },
    },
  };

  it("holds the acks, the PRs found faulty and the running bisection step, as the engine reads them", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bot-file-"));
    try {
      const file = path.join(dir, "sub", "bot.json");
      writeBotFile(file, botFileOf(state, runningStep(state)));
      expect(fs.readdirSync(path.dirname(file))).toEqual(["bot.json"]);
      expect(readBotFile(file, "kernelci-pipeline")).toEqual({
        acks: [],
        held: [{ number: 5, reason: "found faulty by kcibot: deploy #1 failed" }],
        step: { only: [4], reason: "bisection step of deploy #3" },
      });
      expect(readBotFile(file, "kernelci-api")).toEqual({
        acks: [{ number: 7, sha, by: "broonie" }],
        held: [],
        step: { only: [], reason: "bisection step of deploy #3" },
      });
      // An ordinary deploy running: no step.
      const ordinary = { ...state.policy.running, trigger: "webhook" as const, include: undefined };
      expect(runningStep({ ...state, policy: { ...state.policy, running: ordinary } })).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
