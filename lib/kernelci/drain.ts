import { KciError } from "../errors";
import { type Clock, type PollPolicy, PollTimeout, pollUntil, systemClock } from "../poll";
import type { KernelciApi } from "./api";
import { isInFlight, type KernelciNode } from "./node";
import type { DeploymentScaler } from "./scale";

/** Pure: the nodes still in flight (running, available or closing), sorted by id. */
export function inFlight(nodes: KernelciNode[]): KernelciNode[] {
  return nodes.filter(isInFlight).sort((a, b) => a.id.localeCompare(b.id));
}

/** Pure: the `created__gt` bound of "recent" checkouts. */
export function recentSince(now: number, windowHours: number): string {
  return new Date(now - windowHours * 3_600_000).toISOString();
}

export interface DrainRun {
  trigger: { namespace: string; name: string };
  /** Checkouts created within this many hours count as recent. */
  windowHours: number;
  policy: PollPolicy;
  /** On timeout, go on (and say so) instead of failing. */
  force: boolean;
}

export interface DrainResult {
  /** Replicas of the trigger before the pause (null: no trigger deployed yet). */
  triggerReplicasBefore: number | null;
  /** Legacy bisection builds cancelled. */
  cancelled: string[];
  /** Node ids still in flight when the drain ended: empty unless forced. */
  inFlight: string[];
  forced: boolean;
  drainedAt: string;
}

export class DrainFailure extends KciError {
  constructor(message: string) {
    super("timeout", message);
    this.name = "DrainFailure";
  }
}

/** Every node under checkouts created since `since` (one query per checkout tree). */
async function nodesUnderRecentCheckouts(api: KernelciApi, since: string): Promise<KernelciNode[]> {
  const checkouts = await api.nodes({ kind: "checkout", created__gt: since });
  const trees = await Promise.all(checkouts.map((c) => api.nodes({ treeid: c.treeid, state__ne: "done" })));
  const byId = new Map([...checkouts, ...trees.flat()].map((n) => [n.id, n]));
  return [...byId.values()];
}

/**
 * The production drain (seed 001 "pause"): scale the trigger to zero so no new revision is
 * discovered, cancel legacy bisections, then wait until no node under a recent checkout is in
 * flight, within the deadline. The trigger comes back when its Deployment is updated last.
 */
export async function drain(
  deps: { api: KernelciApi; scaler: DeploymentScaler; cancelBisections?: () => Promise<string[]> },
  run: DrainRun,
  clock: Clock = systemClock,
): Promise<DrainResult> {
  const { namespace, name } = run.trigger;
  const triggerReplicasBefore = await deps.scaler.scale(namespace, name, 0);
  const cancelled = deps.cancelBisections ? await deps.cancelBisections() : [];
  const since = recentSince(clock.now(), run.windowHours);
  const done = (ids: string[], forced: boolean): DrainResult => ({
    triggerReplicasBefore,
    cancelled,
    inFlight: ids,
    forced,
    drainedAt: new Date(clock.now()).toISOString(),
  });
  try {
    await pollUntil<null, KernelciNode[]>(
      async () => {
        const pending = inFlight(await nodesUnderRecentCheckouts(deps.api, since));
        return pending.length === 0 ? { done: true, value: null } : { done: false, status: pending };
      },
      run.policy,
      () => "drain timeout",
      clock,
    );
    return done([], false);
  } catch (error) {
    if (!(error instanceof PollTimeout)) throw error;
    const pending = error.last as KernelciNode[];
    if (run.force)
      return done(
        pending.map((n) => n.id),
        true,
      );
    const minutes = (error.elapsedMs / 60_000).toFixed(1);
    throw new DrainFailure(
      `Drain: ${pending.length} node(s) under checkouts created since ${since} are still in flight after ${minutes} min ` +
        `(${deps.api.baseUrl}):\n${pending
          .slice(0, 50)
          .map((n) => `  - ${n.id} ${n.kind} ${n.name} (${n.state})`)
          .join("\n")}\n` +
        `The trigger ${namespace}/${name} stays scaled to 0 (${deps.scaler.target}); nothing else was updated. ` +
        "Run `pulumi up` again to keep waiting, or set procedure.drain.force to true to update anyway.",
    );
  }
}

/**
 * After the rollout: the trigger back at the replicas it had before the drain (none recorded:
 * nothing was paused). Applying the trigger's Deployment does the same when it changed; this
 * covers a rollout that left the trigger's manifest untouched, which would stay paused.
 */
export async function resume(
  scaler: DeploymentScaler,
  trigger: { namespace: string; name: string },
  replicas: number | null,
): Promise<{ triggerReplicas: number | null; resumedAt: string }> {
  if (replicas !== null) await scaler.scale(trigger.namespace, trigger.name, replicas);
  return { triggerReplicas: replicas, resumedAt: new Date().toISOString() };
}
