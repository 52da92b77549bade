/**
 * Finding the PR that broke a deploy (seed 003: "try to calculate the faulty PR, and exclude it
 * automatically"), as a pure state machine the runner drives with partial deploys.
 *
 * Suspects are the PRs of the failed deploy that touch the failing component; the others stay
 * in every test deploy. Two facts hold throughout: the good suspects deploy without failure, and
 * adding the suspects still in play (the range) to them fails (at first, the failed deploy
 * itself). Halving the range keeps both true and isolates one faulty PR among n in at most
 * ⌈log2 n⌉ deploys; one more deploys everything but it (the redeploy of the rest). If that one
 * fails as well, another faulty PR is among the rest, and the search goes on there. A failure
 * that does not reproduce is blamed on the last suspect: it is labelled, and back in staging
 * on its author's next push or `@kcibot unskip`.
 */

/** A PR as the bisection sees it: `repo#number`. */
export type PrKey = string;

export interface Bisection {
  suspects: PrKey[];
  /** PRs of the failed deploy that do not touch the failing component. */
  innocent: PrKey[];
  /** Suspects deployed without failure. */
  good: PrKey[];
  /** Found faulty, in the order found. */
  culprits: PrKey[];
  /** The suspects still in play: the failure is among them. */
  range: PrKey[];
  /** The deploys done so far, for the status page. */
  steps: { deployed: PrKey[]; ok: boolean }[];
  /** Deploys left before giving up, so that a flaky failure cannot bisect forever. */
  budget: number;
  outcome: "running" | "found" | "inconclusive";
}

/** ⌈log2 n⌉ + 1: the deploys that finding one faulty PR among n takes. */
export function deploysFor(n: number): number {
  return n <= 1 ? 1 : Math.ceil(Math.log2(n)) + 1;
}

/** A bisection over `suspects` (in merge order); `maxCulprits` bounds its budget. */
export function startBisection(suspects: PrKey[], innocent: PrKey[] = [], maxCulprits = 2): Bisection {
  return {
    suspects: [...suspects],
    innocent: [...innocent],
    good: [],
    culprits: [],
    range: [...suspects],
    steps: [],
    budget: maxCulprits * deploysFor(suspects.length),
    outcome: suspects.length === 0 ? "inconclusive" : "running",
  };
}

const sameSet = (a: PrKey[], b: PrKey[]) => a.length === b.length && a.every((p) => b.includes(p));
const firstHalf = (range: PrKey[]) => range.slice(0, Math.ceil(range.length / 2));

/** The PRs the next test deploy holds, or null when the bisection has ended. */
export function nextDeploy(b: Bisection): PrKey[] | null {
  if (b.outcome !== "running") return null;
  if (b.range.length === 1) {
    const out = new Set([...b.culprits, b.range[0]]);
    return [...b.innocent, ...b.suspects.filter((p) => !out.has(p))];
  }
  return [...b.innocent, ...b.good, ...firstHalf(b.range)];
}

/** The bisection after the deploy that `nextDeploy` asked for succeeded (`ok`) or failed. */
export function recordResult(b: Bisection, ok: boolean): Bisection {
  const deployed = nextDeploy(b);
  if (deployed === null) throw new Error("recordResult: the bisection has ended");
  const stepped = { ...b, steps: [...b.steps, { deployed, ok }], budget: b.budget - 1 };
  if (b.range.length === 1) return confirmed(stepped, ok);
  const half = firstHalf(b.range);
  const next = ok
    ? { ...stepped, good: [...b.good, ...half], range: b.range.slice(half.length) }
    : { ...stepped, range: half };
  // The deploy that just worked was already everything but the last suspect: it confirms it.
  if (ok && next.range.length === 1 && sameSet(deployed, nextDeploy(next) ?? []))
    return confirmed(next, true);
  return next.budget <= 0 ? { ...next, outcome: "inconclusive" } : next;
}

/**
 * After the deploy of everything but the last suspect left. That suspect is faulty: the good
 * ones deployed without it, and with it they failed (the range always holds a failure). If the
 * rest fails too, another faulty PR is among the suspects not known good: search on there.
 */
function confirmed(b: Bisection, restOk: boolean): Bisection {
  const culprits = [...b.culprits, b.range[0]];
  if (restOk) return { ...b, culprits, range: [], outcome: "found" };
  const cleared = new Set([...culprits, ...b.good]);
  const range = b.suspects.filter((p) => !cleared.has(p));
  if (range.length === 0 || b.budget <= 0) return { ...b, culprits, range: [], outcome: "inconclusive" };
  return { ...b, culprits, range };
}

/** Where the bisection is, in words, for the status page. */
export function describeBisection(b: Bisection): string {
  const done = `${b.steps.length} deploy${b.steps.length === 1 ? "" : "s"}`;
  if (b.outcome === "found") return `found ${b.culprits.join(", ")} after ${done}`;
  if (b.outcome === "inconclusive") {
    const found = b.culprits.length ? `found ${b.culprits.join(", ")}, but ` : "";
    return `${found}no faulty PR explains the failure after ${done}`;
  }
  return `step ${b.steps.length + 1}: ${b.range.length} suspect${b.range.length === 1 ? "" : "s"} left (${b.range.join(", ")})`;
}
