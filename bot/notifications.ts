import type { DeployEvent } from "../lib/notify/message";
import type { Notifier } from "../lib/notify/webhook";
import type { Action } from "./policy";

/** What the team's chat hears of a policy action (issue 15's notifier): starts and ends of deploys. */
export function chatEvent(action: Action, stack: string, url: string | undefined): DeployEvent | null {
  if (action.kind !== "start" && action.kind !== "finish") return null;
  const d = action.deploy;
  const title = `kcibot deploy #${d.id} (${d.cycle}${d.include ? ", bisection step" : ""})`;
  const stage = action.kind === "start" ? "start" : action.result === "succeeded" ? "success" : "failure";
  const details = action.kind === "finish" && action.error ? action.error.slice(0, 1500) : action.reason;
  return { environment: stack, stage, title, details, ...(url ? { url } : {}) };
}

/** The runner's onAction hook that tells the chat; a chat that fails is logged, never fatal. */
export function notifyActions(
  notifier: Notifier,
  stack: string,
  url: string | undefined,
  warn: (m: string) => void,
) {
  return async (action: Action) => {
    const event = chatEvent(action, stack, url);
    if (!event) return;
    await notifier.notify(event).catch((err) => warn(`chat notification failed: ${String(err)}`));
  };
}
