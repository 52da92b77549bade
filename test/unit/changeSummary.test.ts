import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { commitLog, type LogCommit } from "../../lib/git/log";
import { changeEntries, summarizeRelease } from "../../lib/release/changeSummary";
import { FixtureRemote, git } from "../../local/gitFixtures";

const c = (sha: string, parents: string[], author: string, subject: string, body = ""): LogCommit => ({
  sha: sha.padEnd(40, "0"),
  parents: parents.map((p) => p.padEnd(40, "0")),
  author,
  subject,
  body,
});

// main: d (deployed) <- s1 (squashed #41) <- m1 (merge of #42: a1, a2, with main merged into it
// as a3) <- e1 (direct push) <- e2 (merge of a branch, no PR: b1). Newest first in topological
// order, as `git log --topo-order` gives: a merge's second-parent line before its first parent.
const history: LogCommit[] = [
  c("e2", ["e1", "b1"], "Carol", "Merge branch 'hotfixes'"),
  c("b1", ["e1"], "Carol", "Fix a typo"),
  c("e1", ["m1"], "Dan", "Update the rootfs URLs"),
  c("m1", ["51", "a3"], "GitHub", "Merge pull request #42 from alice/kcidb", "kcidb: send test results"),
  c("a3", ["a2", "51"], "Alice", "Merge branch 'main' into kcidb"),
  c("a2", ["a1"], "Alice", "kcidb: batch the submissions"),
  c("a1", ["d0"], "Alice", "kcidb: add a bridge"),
  c("51", ["d0"], "Bob", "api: paginate node queries (#41)"),
];

describe("change summary", () => {
  it("attributes merged commits to their PR and squashed ones by their title", () => {
    expect(changeEntries(history).map((e) => [e.title, e.author, e.pr])).toEqual([
      ["api: paginate node queries", "Bob", 41],
      ["kcidb: add a bridge", "Alice", 42],
      ["kcidb: batch the submissions", "Alice", 42],
      ["Update the rootfs URLs", "Dan", null],
      ["Fix a typo", "Carol", null],
    ]);
  });

  const summary = summarizeRelease([
    {
      component: "kernelci-core",
      tag: "production-20261130090000",
      branch: "kernelci.org",
      target: "e2".padEnd(40, "0"),
      deployed: "d0".padEnd(40, "0"),
      commits: history,
    },
    {
      component: "kernelci-api",
      tag: "production-20261130090000",
      branch: "kernelci.org",
      target: "f0".padEnd(40, "0"),
      deployed: "f0".padEnd(40, "0"),
      commits: [],
    },
    {
      component: "kernelci-pipeline",
      tag: "production-20261130090000",
      branch: "kernelci.org",
      target: "70".padEnd(40, "0"),
      deployed: null,
      commits: [],
    },
  ]);

  it("renders plain text for the mailing list, line by line", () => {
    expect(summary.text.split("\n")).toEqual([
      "KernelCI production release production-20261130090000",
      "",
      "kernelci-core: production-20261130090000 at e20000000000, over kernelci.org at d00000000000: 5 commits",
      "  * api: paginate node queries (#41, Bob)",
      "  * kcidb: add a bridge (#42, Alice)",
      "  * kcidb: batch the submissions (#42, Alice)",
      "  * Update the rootfs URLs (Dan)",
      "  * Fix a typo (Carol)",
      "",
      "kernelci-api: production-20261130090000 at f00000000000, over kernelci.org at f00000000000: no change",
      "",
      "kernelci-pipeline: production-20261130090000 at 700000000000, over no kernelci.org branch yet: first release, history not listed",
      "",
    ]);
  });

  it("renders Markdown, line by line", () => {
    expect(summary.markdown.split("\n")).toEqual([
      "# KernelCI production release production-20261130090000",
      "",
      "## kernelci-core",
      "",
      "production-20261130090000 at e20000000000, over kernelci.org at d00000000000: 5 commits",
      "",
      "- api: paginate node queries (#41, Bob) `510000000000`",
      "- kcidb: add a bridge (#42, Alice) `a10000000000`",
      "- kcidb: batch the submissions (#42, Alice) `a20000000000`",
      "- Update the rootfs URLs (Dan) `e10000000000`",
      "- Fix a typo (Carol) `b10000000000`",
      "",
      "## kernelci-api",
      "",
      "production-20261130090000 at f00000000000, over kernelci.org at f00000000000: no change",
      "",
      "## kernelci-pipeline",
      "",
      "production-20261130090000 at 700000000000, over no kernelci.org branch yet: first release, history not listed",
      "",
    ]);
  });

  it("has a digest that names the release (tags and commits), not what it replaces", () => {
    const release = (target: string, deployed: string | null) =>
      summarizeRelease([{ component: "kernelci-api", tag: "t", branch: "b", target, deployed, commits: [] }])
        .digest;
    // Once deployed, the same release keeps its digest: its announcement still counts.
    expect(release("1".repeat(40), null)).toBe(release("1".repeat(40), "1".repeat(40)));
    expect(release("1".repeat(40), null)).not.toBe(release("2".repeat(40), null));
    expect(release("1".repeat(40), null)).not.toBe(summary.digest);
  });

  it("reads a real history with a merge commit and a squashed commit", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-summary-"));
    try {
      const r = FixtureRemote.create(path.join(tmp, "repo.git"));
      const deployed = r.commitOnMain({ a: "1\n" }, "base");
      const squashed = r.commitOnMain({ b: "1\n" }, "Add b (#7)");
      const p1 = r.commit(deployed, { c: "1\n" }, "c: first");
      const p2 = r.commit(p1, { c: "2\n" }, "c: second");
      const merge = git(r.dir, [
        "commit-tree",
        `${squashed}^{tree}`,
        "-p",
        squashed,
        "-p",
        p2,
        "-m",
        "Merge pull request #8 from bob/c\n\nAdd c",
      ]).trim();
      const entries = changeEntries(await commitLog(r.dir, deployed, merge));
      expect(entries.map((e) => [e.title, e.pr])).toEqual([
        ["Add b", 7],
        ["c: first", 8],
        ["c: second", 8],
      ]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
