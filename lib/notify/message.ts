/** What a deploy tells the team's chat: the same for the workflows and the bot. */
export interface DeployEvent {
  /** The stack deployed: staging, production (local for tries). */
  environment: string;
  stage: "start" | "success" | "failure";
  /** What ran, e.g. "staging cycle (full)", "production update". */
  title: string;
  /** A short summary (Markdown): the cycle report, what was left in which state. */
  details?: string;
  /** Where to read more: the workflow run, the bot's status page. */
  url?: string;
}

/** Discord's own webhooks, or the Slack-compatible JSON that Slack, Mattermost, Discord's `/slack` and others take. */
export type WebhookFormat = "discord" | "slack";

export const webhookFormats: readonly WebhookFormat[] = ["discord", "slack"];

/** Discord's own endpoint takes `content`; its `/slack` endpoint and every other chat take Slack's `text`. */
export function webhookFormatOf(url: URL): WebhookFormat {
  const discord = /(^|\.)discord(app)?\.com$/.test(url.hostname);
  return discord && !url.pathname.replace(/\/$/, "").endsWith("/slack") ? "discord" : "slack";
}

const stageWords: Record<DeployEvent["stage"], string> = {
  start: "started",
  success: "succeeded",
  failure: "FAILED",
};

/** Message lengths the chats accept: Discord refuses content over 2,000 characters. */
const maxLength: Record<WebhookFormat, number> = { discord: 2000, slack: 4000 };

/** The message text: one headline, the details, the link; cut to what the chat accepts. */
export function eventText(event: DeployEvent, format: WebhookFormat): string {
  const headline = `kernelci-deploy ${event.environment}: ${event.title} ${stageWords[event.stage]}`;
  const tail = event.url ? `\n${event.url}` : "";
  let details = event.details?.trim() ? `\n${event.details.trim()}` : "";
  const room = maxLength[format] - headline.length - tail.length;
  if (details.length > room) details = `${details.slice(0, Math.max(0, room - 2))}\n…`;
  return `${headline}${details}${tail}`;
}

/** The JSON body for the chat's webhook. Discord must not ping anyone named in a PR title. */
export function webhookPayload(event: DeployEvent, format: WebhookFormat): Record<string, unknown> {
  const text = eventText(event, format);
  return format === "discord" ? { content: text, allowed_mentions: { parse: [] } } : { text };
}
