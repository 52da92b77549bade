import { randomUUID } from "node:crypto";
import { Webhooks } from "@octokit/webhooks";

/** What a test delivery is about. */
export interface TestEvent {
  event: "pull_request" | "push" | "ping";
  /** `owner/name`. */
  repo: string;
  action?: string;
  pr?: number;
  sha?: string;
  author?: string;
  base?: string;
}

/** A payload with the fields GitHub sends and the bot reads (pull_request, push, ping). */
export function testPayload(e: TestEvent): Record<string, unknown> {
  const repository = {
    full_name: e.repo,
    name: e.repo.split("/")[1],
    owner: { login: e.repo.split("/")[0] },
  };
  const sha = e.sha ?? "0".repeat(40);
  if (e.event === "ping") return { zen: "Keep it logically awesome.", hook_id: 1, repository };
  if (e.event === "push") return { ref: `refs/heads/${e.base ?? "main"}`, after: sha, repository };
  const user = { login: e.author ?? "nuclearcat" };
  return {
    action: e.action ?? "synchronize",
    number: e.pr ?? 1,
    repository,
    pull_request: {
      number: e.pr ?? 1,
      user,
      head: { sha, ref: `pr-${e.pr ?? 1}`, repo: { owner: user } },
      base: { ref: e.base ?? "main" },
      labels: [],
      draft: false,
    },
  };
}

/** The headers and body GitHub would send, signed with `secret` (HMAC-SHA256, @octokit/webhooks). */
export async function signedDelivery(
  secret: string,
  event: string,
  payload: unknown,
  id: string = randomUUID(),
): Promise<{ headers: Record<string, string>; body: string }> {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": id,
      "x-hub-signature-256": await new Webhooks({ secret }).sign(body),
    },
  };
}

/** Posts a delivery to the bot's `/webhook`; returns the status and the answer. */
export async function postDelivery(
  botUrl: string,
  delivery: { headers: Record<string, string>; body: string },
): Promise<{ status: number; body: string }> {
  const res = await fetch(new URL("webhook", botUrl.endsWith("/") ? botUrl : `${botUrl}/`), {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
  });
  return { status: res.status, body: await res.text() };
}
