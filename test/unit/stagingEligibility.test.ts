import fc from "fast-check";
import type { PullRequest } from "../../lib/forge/types";
import {
  classifyPulls,
  compareMergeOrder,
  type EligibilityPolicy,
  isTrusted,
  skipReason,
} from "../../lib/staging/eligibility";
import { changedPlanKeys, type StagingBranchPlan } from "../../lib/staging/plan";

const NOW = new Date("2026-03-01T12:00:00Z");

const policy: EligibilityPolicy = {
  main: "main",
  trusted: ["Alice", "kernelci"],
  skipLabel: "staging-skip",
  skipList: [],
  skipDrafts: true,
  staleDays: 14,
};

function pull(number: number, fields: Partial<PullRequest> = {}): PullRequest {
  return {
    number,
    title: `PR ${number}`,
    author: "alice",
    headOwner: "alice",
    headRef: `feature-${number}`,
    headSha: `${number}`.padStart(40, "a"),
    base: "main",
    labels: [],
    draft: false,
    createdAt: "2026-02-20T00:00:00Z",
    updatedAt: "2026-02-25T00:00:00Z",
    ...fields,
  };
}

describe("PR eligibility", () => {
  it("gives every skipped PR its reason", () => {
    const cases: [Partial<PullRequest>, string, Partial<EligibilityPolicy>?][] = [
      [{ headSha: null }, "head-missing"],
      [{ headOwner: null }, "head-missing"],
      [{ author: "mallory", headOwner: "mallory" }, "untrusted"],
      [{}, "skip-list", { skipList: ["#7"] }],
      [{ headRef: "wip" }, "skip-list", { skipList: ["ALICE/wip"] }],
      [{ labels: ["staging-skip"] }, "label"],
      [{ base: "release" }, "base"],
      [{ draft: true }, "draft"],
      [{ updatedAt: "2026-02-01T00:00:00Z" }, "stale"],
    ];
    for (const [fields, reason, override] of cases) {
      expect(skipReason(pull(7, fields), { ...policy, ...override }, NOW)?.reason).toBe(reason);
    }
  });

  it("takes a PR on another base that carries the staging:<main> label", () => {
    expect(skipReason(pull(1, { base: "release", labels: ["staging:main"] }), policy, NOW)).toBeNull();
  });

  it("keeps drafts and old PRs when those checks are off", () => {
    const lenient = { ...policy, skipDrafts: false, staleDays: undefined };
    expect(skipReason(pull(1, { draft: true, updatedAt: "2020-01-01T00:00:00Z" }), lenient, NOW)).toBeNull();
  });

  it("trusts by author or head owner, whatever the case", () => {
    const login = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => /^[a-zA-Z0-9-]+$/.test(s));
    fc.assert(
      fc.property(login, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (name, flips) => {
        const variant = [...name].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join("");
        expect(isTrusted(variant, [name])).toBe(true);
        const byAuthor = skipReason(
          pull(1, { author: variant, headOwner: "zz-stranger" }),
          { ...policy, trusted: [name] },
          NOW,
        );
        const byOwner = skipReason(
          pull(1, { author: "zz-stranger", headOwner: variant }),
          { ...policy, trusted: [name] },
          NOW,
        );
        expect([byAuthor, byOwner]).toEqual([null, null]);
      }),
    );
    expect(isTrusted("alic", ["alice"])).toBe(false);
    expect(isTrusted(null, ["alice"])).toBe(false);
  });

  it("orders the merge by creation time, then number, whatever the forge's order", () => {
    const arb = fc.array(
      fc.record({ number: fc.integer({ min: 1, max: 500 }), minute: fc.integer({ min: 0, max: 5 }) }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const unique = [...new Map(specs.map((s) => [s.number, s])).values()];
        const pulls = unique.map((s) =>
          pull(s.number, { createdAt: new Date(Date.UTC(2026, 1, 1, 0, s.minute)).toISOString() }),
        );
        const { eligible, verdicts } = classifyPulls(pulls, policy, NOW);
        expect(eligible).toHaveLength(pulls.length);
        for (let i = 1; i < verdicts.length; i++) {
          expect(compareMergeOrder(verdicts[i - 1].pull, verdicts[i].pull)).toBeLessThan(0);
        }
        expect(eligible.map((e) => e.number)).toEqual(verdicts.map((v) => v.pull.number));
      }),
    );
  });

  it("partitions every PR into exactly one of eligible or skipped", () => {
    const arb = fc.array(
      fc.record({
        trusted: fc.boolean(),
        label: fc.boolean(),
        base: fc.constantFrom("main", "release"),
        draft: fc.boolean(),
        head: fc.boolean(),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const pulls = specs.map((s, i) =>
          pull(i + 1, {
            author: s.trusted ? "alice" : "mallory",
            headOwner: s.trusted ? "alice" : "mallory",
            labels: s.label ? ["staging-skip"] : [],
            base: s.base,
            draft: s.draft,
            headSha: s.head ? "f".repeat(40) : null,
          }),
        );
        const { eligible, skipped } = classifyPulls(pulls, policy, NOW);
        const numbers = [...eligible.map((e) => e.number), ...skipped.map((s) => s.number)].sort(
          (a, b) => a - b,
        );
        expect(numbers).toEqual(pulls.map((p) => p.number));
        for (const e of eligible) {
          const s = specs[e.number - 1];
          expect(s.trusted && !s.label && s.base === "main" && !s.draft && s.head).toBe(true);
        }
      }),
    );
  });
});

describe("the diff decision", () => {
  const plan: StagingBranchPlan = {
    repo: "kernelci-core",
    remote: "/forge/kernelci-core.git",
    main: "main",
    branch: "staging.kernelci.org",
    base: "b".repeat(40),
    eligible: [
      { number: 1, head: "1".repeat(40), author: "alice", title: "one" },
      { number: 2, head: "2".repeat(40), author: "alice", title: "two" },
    ],
    skipped: [{ number: 3, reason: "untrusted", detail: "mallory" }],
    patchesDigest: "sha256:x",
    tagPrefix: "staging-",
    tagLimit: 20,
  };

  it("sees no change when only titles, skip reasons or the tag limit change", () => {
    const next: StagingBranchPlan = {
      ...plan,
      eligible: plan.eligible.map((e) => ({ ...e, title: `${e.title}!` })),
      skipped: [{ number: 3, reason: "label", detail: "labelled" }],
      tagLimit: 5,
    };
    expect(changedPlanKeys(plan, next)).toEqual([]);
  });

  it("names what changed: a PR entering, leaving or moving, main, the patches", () => {
    const entering = {
      ...plan,
      eligible: [...plan.eligible, { number: 4, head: "4".repeat(40), author: "a", title: "" }],
    };
    expect(changedPlanKeys(plan, entering)).toEqual(["eligible"]);
    const moved = { ...plan, eligible: [plan.eligible[0], { ...plan.eligible[1], head: "9".repeat(40) }] };
    expect(changedPlanKeys(plan, moved)).toEqual(["eligible"]);
    expect(changedPlanKeys(plan, { ...plan, eligible: [plan.eligible[1]] })).toEqual(["eligible"]);
    expect(changedPlanKeys(plan, { ...plan, base: "c".repeat(40), patchesDigest: "sha256:y" })).toEqual([
      "base",
      "patchesDigest",
    ]);
    expect(changedPlanKeys({}, plan)).toContain("eligible");
  });
});
