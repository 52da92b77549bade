import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { WebhookIntake } from "./intake";
import type { Logger } from "./log";
import type { BotMetrics } from "./metrics";
import type { Runner } from "./runner";

export interface ServerOptions {
  intake: WebhookIntake;
  runner: Runner;
  metrics: BotMetrics;
  log: Logger;
  logDir: string;
  renderStatus: () => string;
}

const send = (res: http.ServerResponse, status: number, body: string, type = "application/json") => {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
};
const json = (res: http.ServerResponse, status: number, value: unknown) =>
  send(res, status, `${JSON.stringify(value)}\n`);

/**
 * The bot's HTTP face: `POST /webhook` (answered before any work is done), the status page
 * `GET /`, `GET /healthz`, `GET /metrics` and the engine logs `GET /logs/<file>`.
 */
export function createBotServer(o: ServerOptions): http.Server {
  const webhook = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const stop = o.metrics.webhookSeconds.startTimer();
    const result = await o.intake.check(req.headers, await o.intake.readBody(req), o.runner.now());
    if (!result.ok) {
      o.metrics.webhooks.inc({ outcome: String(result.status) });
      o.log.warn(
        { delivery: req.headers["x-github-delivery"], status: result.status },
        `delivery refused: ${result.message}`,
      );
      // Without reading the rest of an oversized body, the connection cannot be reused.
      if (result.status === 413) res.setHeader("connection", "close");
      json(res, result.status, { error: result.message });
    } else {
      const outcome = o.runner.accept(result.delivery);
      o.metrics.webhooks.inc({ outcome });
      json(res, outcome === "accepted" ? 202 : 200, {
        status: outcome === "accepted" ? "accepted" : "duplicate delivery, ignored",
      });
    }
    stop();
  };
  const routes: Record<
    string,
    (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void
  > = {
    "POST /webhook": webhook,
    "GET /": (_req, res) => send(res, 200, o.renderStatus(), "text/html; charset=utf-8"),
    "GET /healthz": (_req, res) => json(res, 200, { status: "ok" }),
    "GET /metrics": async (_req, res) =>
      send(res, 200, await o.metrics.registry.metrics(), o.metrics.registry.contentType),
  };
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://bot");
    const route = routes[`${req.method} ${url.pathname}`];
    const logFile = /^\/logs\/(deploy-\d+-\d+\.log)$/.exec(url.pathname)?.[1];
    Promise.resolve()
      .then(() => {
        if (route) return route(req, res);
        if (req.method === "GET" && logFile) return sendLog(res, path.join(o.logDir, logFile));
        json(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      })
      .catch((err) => {
        o.log.error({ err: String(err) }, `${req.method} ${url.pathname} failed`);
        if (!res.headersSent) json(res, 500, { error: "internal error" });
      });
  });
}

function sendLog(res: http.ServerResponse, file: string): void {
  if (!fs.existsSync(file)) {
    json(res, 404, { error: `no log ${path.basename(file)} yet` });
    return;
  }
  res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
  fs.createReadStream(file).pipe(res);
}

/** Listens and returns the address actually bound (port 0 picks a free port). */
export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
