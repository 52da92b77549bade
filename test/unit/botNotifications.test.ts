import { chatEvent, notifyActions } from "../../bot/notifications";
import type { Deploy } from "../../bot/policy";
import type { DeployEvent } from "../../lib/notify/message";

const deploy: Deploy = { id: 3, cycle: "partial", attempt: 0, startedAt: 0, changes: [], trigger: "webhook" };

describe("the bot's chat notifications (bot/notifications.ts)", () => {
  it("tells the chat when a deploy starts and how it ended, with the error of a failure", () => {
    expect(chatEvent({ kind: "start", deploy, reason: "settle time" }, "staging", "https://b/")).toEqual({
      environment: "staging",
      stage: "start",
      title: "kcibot deploy #3 (partial)",
      details: "settle time",
      url: "https://b/",
    });
    const failed = chatEvent(
      { kind: "finish", deploy, result: "failed", error: "boom", reason: "r" },
      "staging",
      undefined,
    );
    expect(failed).toEqual({
      environment: "staging",
      stage: "failure",
      title: "kcibot deploy #3 (partial)",
      details: "boom",
    });
    expect(
      chatEvent({ kind: "schedule", at: 0, cycle: "full", reason: "r" }, "staging", undefined),
    ).toBeNull();
  });

  it("a chat that fails is reported, never fatal", async () => {
    const sent: DeployEvent[] = [];
    const warnings: string[] = [];
    const ok = notifyActions(
      {
        notify: async (e) => {
          sent.push(e);
          return { sent: true };
        },
      },
      "staging",
      undefined,
      (m) => warnings.push(m),
    );
    await ok({ kind: "start", deploy, reason: "x" });
    expect(sent.map((e) => e.stage)).toEqual(["start"]);
    const down = notifyActions(
      { notify: async () => Promise.reject(new Error("chat down")) },
      "s",
      undefined,
      (m) => warnings.push(m),
    );
    await down({ kind: "start", deploy, reason: "x" });
    expect(warnings).toEqual(["chat notification failed: Error: chat down"]);
  });
});
