import type { IncomingMessage } from "node:http";
import { Webhooks } from "@octokit/webhooks";
import { type Delivery, payloadProblem } from "./events";

/** A delivery refused with its HTTP status, or a verified one. */
export type IntakeResult =
  | { ok: false; status: 400 | 401 | 413; message: string }
  | { ok: true; delivery: Delivery };

/**
 * The checks of `POST /webhook`, in order: size (413), signature (401, HMAC-SHA256 by
 * @octokit/webhooks over the raw body), then shape (400). A refused delivery touches nothing.
 */
export class WebhookIntake {
  private readonly webhooks: Webhooks;

  constructor(
    secret: string,
    readonly maxBodyBytes: number,
  ) {
    this.webhooks = new Webhooks({ secret });
  }

  /** Reads the body, stopping at the size limit (the rest is not read). */
  async readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > this.maxBodyBytes) return "too-large";
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.maxBodyBytes) return "too-large";
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  async check(
    headers: IncomingMessage["headers"],
    body: Buffer | "too-large",
    now: number,
  ): Promise<IntakeResult> {
    if (body === "too-large") {
      return { ok: false, status: 413, message: `body over ${this.maxBodyBytes} bytes` };
    }
    const signature = headers["x-hub-signature-256"];
    if (typeof signature !== "string" || signature === "") {
      return { ok: false, status: 401, message: "missing X-Hub-Signature-256" };
    }
    const text = body.toString("utf8");
    if (!(await this.webhooks.verify(text, signature).catch(() => false))) {
      return { ok: false, status: 401, message: "wrong X-Hub-Signature-256 for this body and secret" };
    }
    const id = headers["x-github-delivery"];
    const event = headers["x-github-event"];
    if (typeof id !== "string" || id === "" || typeof event !== "string" || event === "") {
      return { ok: false, status: 400, message: "missing X-GitHub-Delivery or X-GitHub-Event" };
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (err) {
      return { ok: false, status: 400, message: `body is not JSON: ${(err as Error).message}` };
    }
    const problem = payloadProblem(event, payload);
    if (problem) return { ok: false, status: 400, message: problem };
    return { ok: true, delivery: { id, event, payload, receivedAt: now } };
  }

  /** The signature GitHub would send for `body` (test deliveries, the benchmark). */
  sign(body: string): Promise<string> {
    return this.webhooks.sign(body);
  }
}
