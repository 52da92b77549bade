import * as fs from "node:fs";
import * as path from "node:path";
import type { DeployEvent } from "../lib/notify/message";
import { notifierFromEnv } from "../lib/notify/webhook";
import { oneOf, parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";

export const notifyUsage = `usage: kci-deploy notify --environment <stack> --stage start|success|failure --title <text>
         [--details-file <file>] [--url <url>]

Tells the team's chat that a deploy started, succeeded or failed. The webhook URL comes from
KCI_NOTIFY_WEBHOOK (a secret; Discord, or Slack-compatible JSON), the format from the URL or
KCI_NOTIFY_FORMAT (discord|slack). Without KCI_NOTIFY_WEBHOOK, nothing is sent and the exit
code is 0. Exit codes: 0 sent or not configured, 1 the chat refused or did not answer, 2 bad usage.
`;

const stages: readonly DeployEvent["stage"][] = ["start", "success", "failure"];

export async function notifyCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseOptions(args, {
    environment: { type: "string" },
    stage: { type: "string" },
    title: { type: "string" },
    "details-file": { type: "string" },
    url: { type: "string" },
  });
  const event: DeployEvent = {
    environment: required(o.environment, "environment"),
    stage: oneOf(o.stage, "stage", stages),
    title: required(o.title, "title"),
    url: o.url || undefined,
  };
  if (o["details-file"]) {
    const file = path.resolve(io.cwd, o["details-file"]);
    // A missing summary (the step that writes it failed) must not silence the failure notice.
    event.details = fs.existsSync(file)
      ? fs.readFileSync(file, "utf8")
      : `(no summary: ${o["details-file"]} was not written)`;
  }
  let notifier: ReturnType<typeof notifierFromEnv>;
  try {
    notifier = notifierFromEnv(io.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const outcome = await notifier.notify(event);
  io.stderr(outcome.sent ? "notify: sent\n" : `notify: nothing sent: ${outcome.reason}\n`);
  return 0;
}
