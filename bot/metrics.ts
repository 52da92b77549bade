import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What `GET /metrics` exposes (Prometheus text format), one registry per bot. */
export class BotMetrics {
  readonly registry = new Registry();
  readonly deploys = new Counter({
    name: "kcibot_deploys_total",
    help: "Deploys finished, by cycle and result",
    labelNames: ["cycle", "result"] as const,
    registers: [this.registry],
  });
  readonly restarts = new Counter({
    name: "kcibot_deploy_restarts_total",
    help: "Partial deploys restarted from zero for a change that arrived while they ran",
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: "kcibot_queue_depth",
    help: "Events waiting to be handled",
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: "kcibot_webhooks_total",
    help: "Webhook deliveries by outcome (accepted, duplicate, or the HTTP status refusing them)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  readonly webhookSeconds = new Histogram({
    name: "kcibot_webhook_handling_seconds",
    help: "Time from a delivery's arrival to its answer",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });

  constructor(lastFullStart: () => number | null, now: () => number) {
    new Gauge({
      name: "kcibot_seconds_since_last_full_cycle",
      help: "Seconds since the last full cycle started (absent before the first one)",
      registers: [this.registry],
      collect() {
        const t = lastFullStart();
        if (t === null) this.reset();
        else this.set((now() - t) / 1000);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "kcibot_" });
  }
}
