import { KciError } from "../errors";
import {
  type DeployEvent,
  type WebhookFormat,
  webhookFormatOf,
  webhookFormats,
  webhookPayload,
} from "./message";

export type NotifyOutcome = { sent: true } | { sent: false; reason: string };

/** The one thing the workflows and the bot need from chat. */
export interface Notifier {
  notify(event: DeployEvent): Promise<NotifyOutcome>;
}

export interface WebhookOptions {
  /** The webhook URL: a secret (it carries the token), never printed. */
  url: string;
  /** Default: from the URL (webhookFormatOf). */
  format?: WebhookFormat;
  timeoutMs?: number;
}

/**
 * Posts each event to a chat webhook. Errors name the chat's host only: the URL's path is the
 * webhook's token.
 */
export function webhookNotifier(options: WebhookOptions): Notifier {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new KciError("input", "chat webhook: the URL is not a valid URL");
  }
  const format = options.format ?? webhookFormatOf(url);
  const where = `chat webhook at ${url.host}`;
  return {
    async notify(event) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(webhookPayload(event, format)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (err) {
        // fetch's errors come from another realm (undici, DOMException): read them by shape.
        const e = err as { name?: string; message?: string; cause?: unknown };
        const reason =
          e.name === "TimeoutError" ? "did not answer in time" : `unreachable (${e.cause ?? e.message})`;
        throw new Error(`${where} ${reason}`);
      }
      if (!response.ok) {
        const body = (await response.text()).slice(0, 200);
        throw new KciError("remote", `${where} answered ${response.status} ${response.statusText}: ${body}`);
      }
      return { sent: true };
    },
  };
}

/**
 * The notifier configured by the environment: KCI_NOTIFY_WEBHOOK (the URL, from a secret) and
 * optionally KCI_NOTIFY_FORMAT (discord or slack). Without a URL it stays quiet: nothing is
 * sent and the outcome says why.
 */
export function notifierFromEnv(env: NodeJS.ProcessEnv): Notifier {
  const url = env.KCI_NOTIFY_WEBHOOK?.trim();
  if (!url) {
    return {
      notify: async () => ({ sent: false, reason: "no chat webhook configured (KCI_NOTIFY_WEBHOOK)" }),
    };
  }
  const format = env.KCI_NOTIFY_FORMAT?.trim() || undefined;
  if (format !== undefined && !webhookFormats.includes(format as WebhookFormat)) {
    throw new KciError(
      "input",
      `KCI_NOTIFY_FORMAT: expected ${webhookFormats.join(" or ")}, got "${format}"`,
    );
  }
  return webhookNotifier({ url, format: format as WebhookFormat | undefined });
}
