import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PullRequest } from "../../lib/forge/types";
import { readBotFile } from "../../lib/staging/botFile";
import { classifyPulls, type EligibilityPolicy } from "../../lib/staging/eligibility";

const NOW = new Date("2026-03-01T12:00:00Z");
const policy: EligibilityPolicy = {
  main: "main",
  trusted: ["alice"],
  skipLabel: "staging-skip",
  skipList: [],
  skipDrafts: false,
};
const head = (c: string) => c.repeat(40);
const pull = (number: number, fields: Partial<PullRequest> = {}): PullRequest => ({
  number,
  title: `PR ${number}`,
  author: "newcomer",
  headOwner: "newcomer",
  headSha: head("a"),
  base: "main",
  labels: [],
  draft: false,
  createdAt: "2026-02-20T00:00:00Z",
  updatedAt: "2026-02-25T00:00:00Z",
  ...fields,
});

describe("the bot's file in the staging-branch engine: acks, held PRs, bisection steps (lib/staging/botFile.ts)", () => {
  it("admits an untrusted PR acked at its exact head, and says so in the plan", () => {
    const acks = [{ number: 7, sha: head("a"), by: "broonie" }];
    const c = classifyPulls([pull(7)], { ...policy, acks }, NOW);
    expect(c.eligible).toEqual([
      {
        number: 7,
        head: head("a"),
        author: "newcomer",
        title: "PR 7",
        admitted: `acked by broonie at ${head("a")}`,
      },
    ]);
  });

  it("an ack for an older head has expired: the PR is untrusted again", () => {
    const acks = [{ number: 7, sha: head("b"), by: "broonie" }];
    const c = classifyPulls([pull(7)], { ...policy, acks }, NOW);
    expect(c.eligible).toEqual([]);
    expect(c.skipped.map((s) => s.reason)).toEqual(["untrusted"]);
  });

  it("an acked PR still obeys the skip label; a trusted author's PR needs no ack", () => {
    const acks = [
      { number: 7, sha: head("a"), by: "broonie" },
      { number: 8, sha: head("a"), by: "broonie" },
    ];
    const c = classifyPulls(
      [pull(7, { labels: ["staging-skip"] }), pull(8, { author: "alice" })],
      { ...policy, acks },
      NOW,
    );
    expect(c.skipped.map((s) => `${s.number}:${s.reason}`)).toEqual(["7:label"]);
    expect(c.eligible[0]).not.toHaveProperty("admitted");
  });

  it("holds out PRs found faulty, and during a bisection step admits only the step's PRs", () => {
    const held = [{ number: 7, reason: "found faulty by kcibot: deploy #4 failed" }];
    const c = classifyPulls(
      [pull(7, { author: "alice" }), pull(8, { author: "alice" }), pull(9, { author: "alice" })],
      {
        ...policy,
        held,
        step: { only: [8], reason: "not in bisection step 2 of deploy #4" },
      },
      NOW,
    );
    expect(c.eligible.map((e) => e.number)).toEqual([8]);
    expect(c.skipped).toEqual([
      { number: 7, reason: "held", detail: "found faulty by kcibot: deploy #4 failed" },
      { number: 9, reason: "held", detail: "not in bisection step 2 of deploy #4" },
    ]);
  });

  it("reads the bot's file for one repository; a missing file means nothing; a bad one is named", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-botfile-"));
    try {
      const file = path.join(dir, "bot.json");
      expect(readBotFile(file, "kernelci-api")).toEqual({ acks: [], held: [] });
      fs.writeFileSync(
        file,
        JSON.stringify({
          acks: [
            { repo: "kernelci/kernelci-api", pr: 7, sha: head("a"), by: "broonie", at: 1 },
            { repo: "kernelci/kernelci-core", pr: 9, sha: head("b"), by: "khilman", at: 2 },
          ],
          held: [{ repo: "kernelci/kernelci-api", pr: 3, reason: "faulty" }],
          step: { include: ["kernelci/kernelci-api#7", "kernelci/kernelci-core#9"], reason: "step 1" },
        }),
      );
      expect(readBotFile(file, "kernelci-api")).toEqual({
        acks: [{ number: 7, sha: head("a"), by: "broonie" }],
        held: [{ number: 3, reason: "faulty" }],
        step: { only: [7], reason: "step 1" },
      });
      fs.writeFileSync(
        file,
        JSON.stringify({ acks: [{ repo: "kernelci-api", pr: 7, sha: "HEAD", by: "x", at: 1 }] }),
      );
      expect(() => readBotFile(file, "kernelci-api")).toThrow(
        `Invalid bot file ${file}:\n  - [acks.0.sha] expected a full commit SHA`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
