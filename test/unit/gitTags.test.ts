import fc from "fast-check";
import { datedTagsToPrune, nextDatedTag, parseDatedTag, remoteDatedTagAt, tagDay } from "../../lib/git/tags";

describe("dated tags", () => {
  const day = new Date("2026-11-21T23:59:59Z");

  it("numbers tags within a day from 0, after the highest already used", () => {
    expect(nextDatedTag("staging-", day, [])).toBe("staging-20261121.0");
    expect(nextDatedTag("staging-", day, ["staging-20261121.0", "staging-20261121.1"])).toBe(
      "staging-20261121.2",
    );
    // A gap left by pruning is never reused.
    expect(nextDatedTag("staging-", day, ["staging-20261121.7"])).toBe("staging-20261121.8");
    // Other days, other prefixes and look-alikes do not count.
    expect(
      nextDatedTag("staging-", day, [
        "staging-20261120.9",
        "staging-next-20261121.4",
        "xstaging-20261121.5",
        "staging-20261121.05",
      ]),
    ).toBe("staging-20261121.0");
    expect(tagDay(new Date("2026-01-02T00:00:00Z"))).toBe("20260102");
  });

  it("matches exactly the pattern", () => {
    expect(parseDatedTag("staging-", "staging-20261121.12")).toEqual({
      name: "staging-20261121.12",
      day: "20261121",
      n: 12,
    });
    for (const name of [
      "staging-20261121",
      "staging-2026112.1",
      "staging-20261121.1-rc",
      "old-staging-20261121.1",
      "staging-20261121.01",
    ]) {
      expect(parseDatedTag("staging-", name)).toBeNull();
    }
    // The prefix is literal text, not a pattern.
    expect(parseDatedTag("st.ging-", "staging-20261121.1")).toBeNull();
  });

  it("prunes the oldest tags of the pattern beyond the limit, and nothing else", () => {
    const tags = [
      "staging-20261120.10",
      "staging-20261120.9",
      "staging-20261121.0",
      "staging-20261119.3",
      "v1.0",
      "staging-next-20200101.0",
    ];
    expect(datedTagsToPrune("staging-", tags, 2).sort()).toEqual([
      "staging-20261119.3",
      "staging-20261120.9",
    ]);
    expect(datedTagsToPrune("staging-", tags, 20)).toEqual([]);
  });

  it("keeps the newest `keep` and never names a foreign tag (property)", () => {
    const dated = fc
      .tuple(fc.integer({ min: 20240101, max: 20241231 }), fc.nat({ max: 30 }))
      .map(([d, n]) => `staging-${d}.${n}`);
    const foreign = fc.string({ maxLength: 20 }).filter((s) => !/^staging-\d{8}\.(0|[1-9]\d*)$/.test(s));
    fc.assert(
      fc.property(
        fc.array(dated, { maxLength: 40 }),
        fc.array(foreign, { maxLength: 10 }),
        fc.integer({ min: 1, max: 25 }),
        (ours, theirs, keep) => {
          const pruned = datedTagsToPrune("staging-", [...ours, ...theirs], keep);
          const unique = [...new Set(ours)];
          expect(pruned.length).toBe(Math.max(0, unique.length - keep));
          for (const name of pruned) expect(theirs.includes(name) && !ours.includes(name)).toBe(false);
          const kept = unique.filter((t) => !pruned.includes(t));
          const key = (t: string) => {
            const p = parseDatedTag("staging-", t);
            return p ? Number(p.day) * 1000 + p.n : 0;
          };
          const oldestKept = Math.min(...kept.map(key));
          for (const name of pruned) expect(key(name)).toBeLessThan(oldestKept);
        },
      ),
    );
  });

  it("finds the newest dated tag naming a commit in ls-remote's refs, annotated or not", () => {
    const [a, b] = ["a".repeat(40), "b".repeat(40)];
    const refs = new Map([
      ["refs/heads/kernelci.org", a],
      // Annotated: the tag object's id, then the commit it names.
      ["refs/tags/kernelci-20261121.0", "1".repeat(40)],
      ["refs/tags/kernelci-20261121.0^{}", a],
      ["refs/tags/kernelci-20261121.1", "2".repeat(40)],
      ["refs/tags/kernelci-20261121.1^{}", b],
      // Lightweight, newest at a.
      ["refs/tags/kernelci-20261122.0", a],
      ["refs/tags/kernelci-next-20261123.0", a],
    ]);
    expect(remoteDatedTagAt("kernelci-", refs, a)).toBe("kernelci-20261122.0");
    expect(remoteDatedTagAt("kernelci-", refs, b)).toBe("kernelci-20261121.1");
    expect(remoteDatedTagAt("kernelci-", refs, "c".repeat(40))).toBeNull();
  });
});
