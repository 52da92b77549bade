import type { Pending } from "./outbox";
import type { BotState } from "./state";

/** The longest delay setTimeout takes. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What flushing needs of the runner. */
export interface FlushHost {
  state(): BotState;
  save(state: BotState): Promise<void>;
  /** Runs `task` in the runner's event queue, after the events before it. */
  inQueue(task: () => Promise<void>): Promise<void>;
  now(): number;
}

/**
 * Posts what the bot's outbox holds, one flush at a time and outside the event queue (GitHub
 * can be slow); the result is saved in the queue. What GitHub refused is tried again when its
 * backoff ends.
 */
export class OutboxFlusher {
  private flushing = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly post: (outbox: readonly Pending[], now: number) => Promise<Pending[]>,
    private readonly host: FlushHost,
  ) {}

  async flush(): Promise<void> {
    if (this.flushing || this.stopped) return;
    this.flushing = true;
    clearTimeout(this.retryTimer);
    try {
      const batch = this.host.state().outbox;
      const left = await this.post(batch, this.host.now());
      await this.host.inQueue(() => this.settle(batch, left));
    } finally {
      this.flushing = false;
    }
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  /** Reports queued during the flush stay; the ones sent go; the ones refused wait. */
  private async settle(batch: readonly Pending[], left: readonly Pending[]): Promise<void> {
    const state = this.host.state();
    const after = new Map(batch.map((p) => [p, left.find((l) => l.report === p.report) ?? null]));
    const outbox = state.outbox.flatMap((p) => {
      if (!after.has(p)) return [p];
      const refused = after.get(p);
      return refused ? [refused] : [];
    });
    await this.host.save({ ...state, outbox });
  }

  /** The next flush, when the earliest report left is due. */
  private rearm(): void {
    const next = Math.min(...this.host.state().outbox.map((p) => p.nextAt));
    if (!Number.isFinite(next) || this.stopped) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next - this.host.now()));
    this.retryTimer = setTimeout(() => void this.flush(), delay);
  }
}
