/**
 * The pacing of staging deploys (seed 003, kernelci-project#257), as a pure function
 * `decide(state, event, now, timing) -> { state, actions }`: no timers, no I/O. The runner
 * (bot/runner.ts) turns actions into timers and engine calls; `bot simulate` and the property
 * tests replay timelines through the same function.
 *
 * 1. A full cycle never starts within `fullInterval` of the previous full start; any other
 *    deploy is partial (API and pipeline only).
 * 2. When the last deploy started more than `fullInterval` ago, a periodic check asks the forge
 *    for updates; if there are any, a full cycle starts.
 * 3. A change arriving during a partial deploy restarts it from zero, once; a full cycle is
 *    never interrupted; later changes wait for the next deploy.
 * 4. A change within `cooldown` of the last completion starts a deploy at completion + cooldown.
 * 5. Otherwise the deploy starts `settle` after the change; changes before the start join it.
 *
 * Coverage bound: with deploys lasting at most D, every accepted change is in a deploy that
 * starts (or restarts) within max(settle, cooldown, D + cooldown) of it. Proof: idle, it is
 * scheduled at +settle or at most +cooldown (rule 4 puts the start at lastEnd + cooldown, and
 * lastEnd <= now); if a deploy is scheduled it joins one starting no later than that; during a
 * partial first attempt it restarts at once; otherwise the running attempt started before it and
 * ends within D, and the waiting changes are then scheduled at end + cooldown. Nothing else can
 * start in between: checks run only when nothing is scheduled and nothing runs.
 */

export type Cycle = "full" | "partial";

/** Something that changed on the forge and should reach staging (a PR event, a main push). */
export interface Change {
  at: number;
  /** The webhook delivery id, or `check` when the periodic check found it. */
  source: string;
  /** `owner/name`. */
  repo: string;
  pr?: number;
  sha?: string;
  /** What happened, in words: `pull_request synchronize`, `push main`, `moved head`. */
  what: string;
}

/** One deploy: an id kept across its restart and a resume after a bot restart. */
export interface Deploy {
  id: number;
  cycle: Cycle;
  /** 0 for the first run, 1 after the restart (at most one). */
  attempt: number;
  startedAt: number;
  /** The changes it was started (or restarted) for. */
  changes: Change[];
  trigger: "webhook" | "check";
}

export interface Timing {
  settleMs: number;
  cooldownMs: number;
  fullIntervalMs: number;
  checkIntervalMs: number;
}

export interface PolicyState {
  nextId: number;
  lastStart: number | null;
  lastFullStart: number | null;
  lastEnd: number | null;
  lastCheck: number | null;
  /** `settle`: after a webhook; `cooldown`: after the last completion. */
  scheduled: { at: number; wait: "settle" | "cooldown"; reason: string; changes: Change[] } | null;
  running: Deploy | null;
  /** Changes that arrived when the running deploy could not restart. */
  waiting: Change[];
  /** A check was asked for and its answer (`updates`) has not come yet. */
  checking: boolean;
}

export type PolicyEvent =
  | { type: "change"; change: Change }
  | { type: "tick" }
  | { type: "finished"; id: number; attempt: number; result: "succeeded" | "failed"; error?: string }
  | { type: "updates"; changes: Change[] }
  | { type: "boot" };

export type Action =
  | { kind: "schedule"; at: number; cycle: Cycle; reason: string }
  | { kind: "start"; deploy: Deploy; reason: string }
  | { kind: "restart"; deploy: Deploy; reason: string }
  | { kind: "finish"; deploy: Deploy; result: "succeeded" | "failed"; error?: string; reason: string }
  | { kind: "check"; reason: string }
  | { kind: "wait"; reason: string };

export interface Decision {
  state: PolicyState;
  actions: Action[];
}

export const initialPolicyState: PolicyState = {
  nextId: 1,
  lastStart: null,
  lastFullStart: null,
  lastEnd: null,
  lastCheck: null,
  scheduled: null,
  running: null,
  waiting: [],
  checking: false,
};

const iso = (t: number) => new Date(t).toISOString();
const describe = (c: Change) => `${c.repo}${c.pr === undefined ? "" : `#${c.pr}`} (${c.what})`;

/** Rule 1: the cycle a deploy starting at `t` gets. */
export function cycleAt(state: PolicyState, t: number, timing: Timing): Cycle {
  return state.lastFullStart === null || t - state.lastFullStart >= timing.fullIntervalMs
    ? "full"
    : "partial";
}

/** Rule 2: the earliest time a check for updates is due, or null while a deploy is scheduled, runs or a check is out. */
export function nextCheckAt(state: PolicyState, timing: Timing): number | null {
  if (state.running || state.scheduled || state.checking) return null;
  const after = (t: number | null, ms: number) => (t === null ? Number.NEGATIVE_INFINITY : t + ms);
  return Math.max(
    after(state.lastStart, timing.fullIntervalMs),
    after(state.lastEnd, timing.cooldownMs),
    after(state.lastCheck, timing.checkIntervalMs),
  );
}

/** When the runner must send the next `tick`, or null when only an event can move things on. */
export function nextWakeup(state: PolicyState, timing: Timing): number | null {
  if (state.running) return null;
  if (state.scheduled) return state.scheduled.at;
  return nextCheckAt(state, timing);
}

function start(
  state: PolicyState,
  now: number,
  changes: Change[],
  trigger: Deploy["trigger"],
  why: string,
  timing: Timing,
): Decision {
  const cycle = cycleAt(state, now, timing);
  const deploy: Deploy = { id: state.nextId, cycle, attempt: 0, startedAt: now, changes, trigger };
  const cycleWhy =
    cycle === "full"
      ? state.lastFullStart === null
        ? "full: no full cycle yet"
        : `full: the last full cycle started ${iso(state.lastFullStart)}, more than the full interval ago`
      : `partial: the last full cycle started ${iso(state.lastFullStart as number)}, within the full interval`;
  return {
    state: {
      ...state,
      nextId: state.nextId + 1,
      lastStart: now,
      lastFullStart: cycle === "full" ? now : state.lastFullStart,
      scheduled: null,
      running: deploy,
      waiting: [],
    },
    actions: [{ kind: "start", deploy, reason: `${why}; ${cycleWhy}` }],
  };
}

function onChange(state: PolicyState, change: Change, now: number, timing: Timing): Decision {
  const { running, scheduled } = state;
  if (running) {
    if (running.cycle === "partial" && running.attempt === 0) {
      const deploy: Deploy = {
        ...running,
        attempt: 1,
        startedAt: now,
        changes: [...running.changes, ...state.waiting, change],
      };
      return {
        state: { ...state, running: deploy, lastStart: now, waiting: [] },
        actions: [
          {
            kind: "restart",
            deploy,
            reason: `${describe(change)} arrived during partial deploy #${running.id}: restarted from zero, once`,
          },
        ],
      };
    }
    const why =
      running.cycle === "full"
        ? `full cycle #${running.id} is never interrupted`
        : `deploy #${running.id} was already restarted once`;
    return {
      state: { ...state, waiting: [...state.waiting, change] },
      actions: [{ kind: "wait", reason: `${describe(change)} waits for the next deploy: ${why}` }],
    };
  }
  if (scheduled) {
    return {
      state: { ...state, scheduled: { ...scheduled, changes: [...scheduled.changes, change] } },
      actions: [
        { kind: "wait", reason: `${describe(change)} joins the deploy scheduled at ${iso(scheduled.at)}` },
      ],
    };
  }
  const coolingDown = state.lastEnd !== null && now - state.lastEnd < timing.cooldownMs;
  const at = coolingDown ? (state.lastEnd as number) + timing.cooldownMs : now + timing.settleMs;
  const reason = coolingDown
    ? `${describe(change)} within the cool-down of the deploy completed at ${iso(state.lastEnd as number)}`
    : `${describe(change)}: settle time`;
  return {
    state: {
      ...state,
      scheduled: { at, wait: coolingDown ? "cooldown" : "settle", reason, changes: [change] },
    },
    actions: [{ kind: "schedule", at, cycle: cycleAt(state, at, timing), reason }],
  };
}

function onTick(state: PolicyState, now: number, timing: Timing): Decision {
  if (state.running) return { state, actions: [] };
  if (state.scheduled && now >= state.scheduled.at) {
    return start(state, now, state.scheduled.changes, "webhook", state.scheduled.reason, timing);
  }
  const due = nextCheckAt(state, timing);
  if (due === null || now < due) return { state, actions: [] };
  const reason =
    state.lastStart === null
      ? "no deploy yet: check the forge for updates"
      : `the last deploy started ${iso(state.lastStart)}, more than the full interval ago: check the forge for updates`;
  return { state: { ...state, checking: true, lastCheck: now }, actions: [{ kind: "check", reason }] };
}

function onUpdates(state: PolicyState, changes: Change[], now: number, timing: Timing): Decision {
  const next = { ...state, checking: false };
  if (changes.length === 0) {
    return {
      state: next,
      actions: [{ kind: "wait", reason: "the check found nothing new: nothing to deploy" }],
    };
  }
  // A webhook may have scheduled or started a deploy while the forge was asked: join it.
  if (next.running) return { state: { ...next, waiting: [...next.waiting, ...changes] }, actions: [] };
  if (next.scheduled) {
    return {
      state: { ...next, scheduled: { ...next.scheduled, changes: [...next.scheduled.changes, ...changes] } },
      actions: [],
    };
  }
  const why = `the check found ${changes.length} update(s): ${changes.slice(0, 3).map(describe).join(", ")}`;
  return start(next, now, changes, "check", why, timing);
}

function onFinished(
  state: PolicyState,
  event: Extract<PolicyEvent, { type: "finished" }>,
  now: number,
  timing: Timing,
): Decision {
  const { running } = state;
  if (!running || running.id !== event.id || running.attempt !== event.attempt) {
    return { state, actions: [] }; // a cancelled attempt ending after its restart
  }
  const finish: Action = {
    kind: "finish",
    deploy: running,
    result: event.result,
    ...(event.error ? { error: event.error } : {}),
    reason: `deploy #${running.id} (${running.cycle}) ${event.result}`,
  };
  const ended = { ...state, running: null, lastEnd: now, waiting: [] };
  if (state.waiting.length === 0) return { state: ended, actions: [finish] };
  const at = now + timing.cooldownMs;
  const reason = `${state.waiting.length} change(s) waited for deploy #${running.id}: cool-down after its completion`;
  return {
    state: { ...ended, scheduled: { at, wait: "cooldown", reason, changes: state.waiting } },
    actions: [finish, { kind: "schedule", at, cycle: cycleAt(ended, at, timing), reason } as Action],
  };
}

/** After a bot restart: a deploy that was running is re-run from zero; a lost check is asked again. */
function onBoot(state: PolicyState, now: number): Decision {
  const next = { ...state, checking: false };
  if (!state.running) return { state: next, actions: [] };
  const deploy = { ...state.running, startedAt: now };
  return {
    state: { ...next, running: deploy },
    actions: [
      {
        kind: "start",
        deploy,
        reason: `deploy #${deploy.id} was interrupted by a bot restart: run it again`,
      },
    ],
  };
}

export function decide(state: PolicyState, event: PolicyEvent, now: number, timing: Timing): Decision {
  switch (event.type) {
    case "change":
      return onChange(state, event.change, now, timing);
    case "tick":
      return onTick(state, now, timing);
    case "updates":
      return onUpdates(state, event.changes, now, timing);
    case "finished":
      return onFinished(state, event, now, timing);
    case "boot":
      return onBoot(state, now);
    default: {
      const never: never = event;
      throw new Error(`unknown policy event ${JSON.stringify(never)}`);
    }
  }
}
