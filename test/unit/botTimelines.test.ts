import { deployDurationsOf, timingOf } from "../../bot/settings";
import { parseTimeline, simulate } from "../../bot/simulate";
import { botSchema } from "../../config/bot";

// Five timelines worked out by hand with the default durations (settle 5 min, cool-down 30 min,
// full interval 6 h; partial deploys last 20 min, full ones 3 h), replayed as `bot simulate` does.
const durations = botSchema.shape.durations.parse(undefined);
const day = "2026-01-05T";
const hook = (time: string, event: string, repo: string, pr?: number, action?: string) =>
  JSON.stringify({
    at: `${day}${time}:00Z`,
    type: "webhook",
    event,
    repo: `kernelci/${repo}`,
    ...(pr ? { pr, action: action ?? "synchronize" } : {}),
  });
const line = (time: string, fields: Record<string, unknown>) =>
  JSON.stringify({ at: `${day}${time}:00Z`, ...fields });

/** [hh:mm, action, cycle, deploy, PRs or result]. */
function replay(lines: string[]) {
  const { decisions } = simulate(
    parseTimeline(lines.join("\n"), "timeline"),
    timingOf(durations),
    deployDurationsOf(durations),
  );
  return decisions.map((d) => [
    d.at.slice(11, 16),
    d.action,
    d.cycle,
    d.deploy ?? "",
    (d.prs ?? [d.result ?? ""]).join(" "),
  ]);
}

describe("worked timelines", () => {
  it("1. changes before the start join it without moving it", () => {
    expect(
      replay([
        hook("08:00", "push", "kernelci-core"),
        hook("08:03", "pull_request", "kernelci-api", 5, "opened"),
      ]),
    ).toEqual([
      ["08:00", "schedule", "full", "", ""],
      ["08:05", "start", "full", 1, "kernelci/kernelci-core kernelci/kernelci-api#5"],
      ["11:05", "finish", "full", 1, "succeeded"],
    ]);
  });

  it("2. a partial deploy restarts once; the next change waits for the cool-down, and one within it joins", () => {
    expect(
      replay([
        hook("08:00", "push", "kernelci-core"),
        hook("12:00", "pull_request", "kernelci-api", 12),
        hook("12:02", "pull_request", "kernelci-pipeline", 30, "opened"),
        hook("12:10", "pull_request", "kernelci-api", 12),
        hook("12:15", "pull_request", "kernelci-api", 12),
        hook("12:50", "pull_request", "kernelci-api", 14, "labeled"),
      ]),
    ).toEqual([
      ["08:00", "schedule", "full", "", ""],
      ["08:05", "start", "full", 1, "kernelci/kernelci-core"],
      ["11:05", "finish", "full", 1, "succeeded"],
      ["12:00", "schedule", "partial", "", ""],
      ["12:05", "start", "partial", 2, "kernelci/kernelci-api#12 kernelci/kernelci-pipeline#30"],
      ["12:10", "restart", "partial", 2, "kernelci/kernelci-api#12 kernelci/kernelci-pipeline#30"],
      ["12:30", "finish", "partial", 2, "succeeded"],
      ["12:30", "schedule", "partial", "", ""],
      ["13:00", "start", "partial", 3, "kernelci/kernelci-api#12 kernelci/kernelci-api#14"],
      ["13:20", "finish", "partial", 3, "succeeded"],
    ]);
  });

  it("3. a full cycle is never interrupted: changes during it wait until its end + cool-down", () => {
    expect(
      replay([
        hook("00:00", "push", "kernelci-core"),
        hook("01:00", "pull_request", "kernelci-api", 12),
        hook("02:00", "pull_request", "kernelci-api", 13, "opened"),
      ]),
    ).toEqual([
      ["00:00", "schedule", "full", "", ""],
      ["00:05", "start", "full", 1, "kernelci/kernelci-core"],
      ["03:05", "finish", "full", 1, "succeeded"],
      ["03:05", "schedule", "partial", "", ""],
      ["03:35", "start", "partial", 2, "kernelci/kernelci-api#12 kernelci/kernelci-api#13"],
      ["03:55", "finish", "partial", 2, "succeeded"],
    ]);
  });

  it("4. cool-down, a failed deploy, settle time, and a full cycle once 6 h have passed since the last one", () => {
    expect(
      replay([
        hook("00:00", "push", "kernelci-core"),
        hook("03:15", "pull_request", "kernelci-api", 12),
        line("03:40", { type: "deploy-failed", error: "api rollout timed out" }),
        hook("05:00", "pull_request", "kernelci-pipeline", 30, "labeled"),
        hook("06:10", "pull_request", "kernelci-api", 12),
      ]),
    ).toEqual([
      ["00:00", "schedule", "full", "", ""],
      ["00:05", "start", "full", 1, "kernelci/kernelci-core"],
      ["03:05", "finish", "full", 1, "succeeded"],
      ["03:15", "schedule", "partial", "", ""],
      ["03:35", "start", "partial", 2, "kernelci/kernelci-api#12"],
      ["03:40", "finish", "partial", 2, "failed"],
      ["05:00", "schedule", "partial", "", ""],
      ["05:05", "start", "partial", 3, "kernelci/kernelci-pipeline#30"],
      ["05:25", "finish", "partial", 3, "succeeded"],
      ["06:10", "schedule", "full", "", ""],
      ["06:15", "start", "full", 4, "kernelci/kernelci-api#12"],
      ["09:15", "finish", "full", 4, "succeeded"],
    ]);
  });

  it("5. a quiet day: the periodic check finds a change no webhook announced and runs a full cycle", () => {
    const decisions = replay([
      hook("00:00", "push", "kernelci-core"),
      line("04:00", { type: "forge", repo: "kernelci/kernelci-pipeline", pr: 31 }),
    ]);
    expect(decisions).toEqual([
      ["00:00", "schedule", "full", "", ""],
      ["00:05", "start", "full", 1, "kernelci/kernelci-core"],
      ["03:05", "finish", "full", 1, "succeeded"],
      ["06:05", "start", "full", 2, "kernelci/kernelci-pipeline#31"],
      ["09:05", "finish", "full", 2, "succeeded"],
    ]);
    // Without the change, nothing is deployed after the first cycle.
    expect(replay([hook("00:00", "push", "kernelci-core")])).toHaveLength(3);
  });

  it("names every bad line of a timeline", () => {
    expect(() => parseTimeline('{"at":"yesterday","type":"webhook"}\nnot json\n', "t.jsonl")).toThrow(
      /t\.jsonl:1: at: .*\n.*t\.jsonl:1: event.*[\s\S]*t\.jsonl:2: not JSON/,
    );
  });
});
