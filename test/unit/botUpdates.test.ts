import { changesBetween } from "../../bot/updates";

// Rule 2's check: what changed on the forge since the last successful deploy.
describe("changes between two forge snapshots", () => {
  const repo = "kernelci/kernelci-api";
  const deployed = { [repo]: { base: "m1", pulls: { "12": "a1", "13": "b1" } } };

  it("finds nothing when nothing moved", () => {
    expect(changesBetween(deployed, deployed, 5)).toEqual([]);
  });

  it("names new main commits, new eligible PRs, moved heads and PRs that left", () => {
    const now = { [repo]: { base: "m2", pulls: { "12": "a2", "14": "c1" } } };
    expect(changesBetween(deployed, now, 5).map((c) => [c.what, c.pr, c.sha])).toEqual([
      ["new main commit", undefined, "m2"],
      ["moved head", 12, "a2"],
      ["new eligible PR", 14, "c1"],
      ["PR left", 13, undefined],
    ]);
  });

  it("counts everything as changed when no deploy was recorded", () => {
    expect(changesBetween(null, deployed, 5)).toEqual([
      { at: 5, source: "check", repo, what: "no deploy recorded yet", sha: "m1" },
    ]);
  });
});
