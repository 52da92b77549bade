import fc from "fast-check";
import {
  type Bisection,
  deploysFor,
  describeBisection,
  nextDeploy,
  type PrKey,
  recordResult,
  startBisection,
} from "../../bot/bisect";

const prs = (n: number) => Array.from({ length: n }, (_, i) => `kernelci-pipeline#${100 + i}`);

/** Runs a bisection against an oracle: a deploy fails when it holds a faulty PR. */
function run(suspects: PrKey[], faulty: Set<PrKey>, innocent: PrKey[] = []): Bisection {
  let b = startBisection(suspects, innocent);
  for (let deploy = nextDeploy(b); deploy !== null; deploy = nextDeploy(b)) {
    b = recordResult(b, !deploy.some((p) => faulty.has(p)));
  }
  return b;
}

describe("finding the faulty PR (bot/bisect.ts)", () => {
  it.each([
    [8, 3, 4],
    [8, 7, 3],
    [13, 0, 5],
    [13, 12, 3],
    [1, 0, 1],
  ])("1 faulty PR among %i (index %i) is found in %i deploys, then the rest deploys", (n, bad, deploys) => {
    const suspects = prs(n);
    const b = run(suspects, new Set([suspects[bad]]));
    expect(b.outcome).toBe("found");
    expect(b.culprits).toEqual([suspects[bad]]);
    expect(b.steps).toHaveLength(deploys);
    expect(deploys).toBeLessThanOrEqual(deploysFor(n));
    // The last deploy is everything but the culprit, and it worked.
    expect(b.steps.at(-1)).toEqual({ deployed: suspects.filter((p) => p !== suspects[bad]), ok: true });
  });

  it("2 faulty PRs among 8 are both found, within 2 × (⌈log2 8⌉ + 1) deploys", () => {
    const suspects = prs(8);
    const b = run(suspects, new Set([suspects[2], suspects[5]]));
    expect(b.outcome).toBe("found");
    expect(b.culprits).toEqual([suspects[2], suspects[5]]);
    expect(b.steps.length).toBeLessThanOrEqual(2 * deploysFor(8));
    expect(b.steps.at(-1)?.ok).toBe(true);
  });

  it("keeps PRs that touch other components in every test deploy", () => {
    const suspects = prs(4);
    const b = run(suspects, new Set([suspects[1]]), ["kernelci-api#7"]);
    expect(b.steps.every((s) => s.deployed.includes("kernelci-api#7"))).toBe(true);
    expect(b.culprits).toEqual([suspects[1]]);
  });

  it("a failure no suspect explains (every deploy fails) ends inconclusive, within the budget", () => {
    const suspects = prs(8);
    let b = startBisection(suspects);
    for (let d = nextDeploy(b); d !== null; d = nextDeploy(b)) b = recordResult(b, false);
    expect(b.outcome).toBe("inconclusive");
    expect(b.steps.length).toBeLessThanOrEqual(2 * deploysFor(8));
    expect(describeBisection(b)).toMatch(/no faulty PR explains the failure after \d+ deploys/);
  });

  it("a failure that does not reproduce is blamed on the last suspect only", () => {
    const b = run(prs(5), new Set());
    expect(b.outcome).toBe("found");
    expect(b.culprits).toEqual([prs(5)[4]]);
  });

  it("says where it is while running", () => {
    const b = startBisection(prs(4));
    expect(describeBisection(b)).toBe(`step 1: 4 suspects left (${prs(4).join(", ")})`);
    expect(describeBisection(recordResult(b, false))).toBe(`step 2: 2 suspects left (${prs(2).join(", ")})`);
  });

  it("property: one faulty PR among n ≤ 64 is found in at most ⌈log2 n⌉ + 1 deploys", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1))),
        ([n, bad]) => {
          const suspects = prs(n);
          const b = run(suspects, new Set([suspects[bad]]));
          return (
            b.outcome === "found" && b.culprits.join() === suspects[bad] && b.steps.length <= deploysFor(n)
          );
        },
      ),
    );
  });

  it("property: two faulty PRs among n ≤ 40 are both found within 2 × (⌈log2 n⌉ + 1) deploys", () => {
    const pair = fc
      .integer({ min: 2, max: 40 })
      .chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat(n - 1), { minLength: 2, maxLength: 2 })));
    fc.assert(
      fc.property(pair, ([n, bad]) => {
        const suspects = prs(n);
        const faulty = new Set(bad.map((i) => suspects[i]));
        const b = run(suspects, faulty);
        return (
          b.outcome === "found" &&
          new Set(b.culprits).size === 2 &&
          b.culprits.every((c) => faulty.has(c)) &&
          b.steps.length <= 2 * deploysFor(n)
        );
      }),
    );
  });
});
