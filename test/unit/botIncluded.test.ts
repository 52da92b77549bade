import { changedPrs, mergedPrs, reportedPrs, STAGING_BRANCH_TYPE } from "../../bot/included";

const sha = (c: string) => c.repeat(40);

describe("the PRs a deploy includes (bot/included.ts)", () => {
  it("reads what each staging branch merged from the exported stack, and nothing else", () => {
    const exported = {
      version: 3,
      deployment: {
        resources: [
          { type: "pulumi:pulumi:Stack", outputs: { repo: "x", merged: [{ number: 1, head: sha("f") }] } },
          {
            type: STAGING_BRANCH_TYPE,
            outputs: { repo: "kernelci-api", merged: [{ number: 2001, head: sha("a") }] },
          },
          {
            type: STAGING_BRANCH_TYPE,
            outputs: {
              repo: "kernelci-pipeline",
              merged: [
                { number: 3001, head: sha("b") },
                { number: 3002, head: "not-a-sha" },
              ],
            },
          },
          // Created by an `up` that failed before the engine recorded its outputs.
          { type: STAGING_BRANCH_TYPE },
        ],
      },
    };
    expect(mergedPrs(exported)).toEqual([
      { repo: "kernelci-api", pr: 2001, sha: sha("a") },
      { repo: "kernelci-pipeline", pr: 3001, sha: sha("b") },
    ]);
    expect(mergedPrs({ version: 3, deployment: {} })).toEqual([]);
    expect(mergedPrs(undefined)).toEqual([]);
  });

  it("reports to every merged PR at the head merged, and to those that started it but were not merged", () => {
    const changed = changedPrs([
      {
        at: 1,
        source: "webhook",
        repo: "kernelci/kernelci-api",
        what: "synchronize",
        pr: 2001,
        sha: sha("0"),
      },
      {
        at: 2,
        source: "webhook",
        repo: "kernelci/kernelci-core",
        what: "synchronize",
        pr: 1002,
        sha: sha("c"),
      },
      { at: 3, source: "webhook", repo: "kernelci/kernelci-core", what: "push", sha: sha("d") },
      {
        at: 4,
        source: "check",
        repo: "kernelci/kernelci-core",
        what: "new eligible PR",
        pr: 1003,
        sha: "main",
      },
    ]);
    expect(changed).toEqual([
      { repo: "kernelci/kernelci-api", pr: 2001, sha: sha("0") },
      { repo: "kernelci/kernelci-core", pr: 1002, sha: sha("c") },
    ]);
    const merged = [
      { repo: "kernelci-api", pr: 2001, sha: sha("a") },
      { repo: "kernelci-pipeline", pr: 3001, sha: sha("b") },
    ];
    // #2001 moved on since its webhook: its report goes to the head merged. #1002 conflicted.
    expect(reportedPrs(changed, merged)).toEqual([
      ...merged,
      { repo: "kernelci/kernelci-core", pr: 1002, sha: sha("c") },
    ]);
    expect(reportedPrs(changed, [])).toEqual(changed);
  });
});
