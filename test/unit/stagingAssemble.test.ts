import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalForge, type LocalPull } from "../../lib/forge/local";
import { assembleStagingBranch, PatchError, PushError } from "../../lib/staging/assemble";
import { changedPlanKeys, planStagingBranch, type StagingBranchSettings } from "../../lib/staging/plan";
import { type FileChanges, FixtureRemote, git, pullEntry, writePulls } from "../../local/gitFixtures";

const NOW = new Date("2026-11-21T10:00:00Z");

/** A forge with one repository `demo`, its pulls file, a patches dir and a work dir, in a temp dir. */
class Scenario {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-staging-"));
  readonly remote = FixtureRemote.create(path.join(this.dir, "forge", "demo.git"));
  readonly forge = new LocalForge(path.join(this.dir, "forge"));
  readonly patches = path.join(this.dir, "patches");
  readonly pulls: LocalPull[] = [];
  settings: StagingBranchSettings = {
    repo: "demo",
    main: "main",
    branch: "staging.kernelci.org",
    trusted: ["alice"],
    skipLabel: "staging-skip",
    skipList: [],
    skipDrafts: true,
    staleDays: 14,
    patches: this.patches,
    tagPrefix: "staging-",
    tagLimit: 20,
  };

  constructor() {
    this.remote.commitOnMain({ "a.txt": "a\n", "dir/b.txt": "b\n", "c.txt": "c\n" }, "initial");
    writePulls(this.forge.pullsFile("demo"), []);
  }

  /** An open PR (entry in the pulls file, head at refs/pull/<N>/head unless `noHead`). */
  pull(number: number, changes: FileChanges, fields: Partial<LocalPull> = {}, noHead = false): string | null {
    const entry = pullEntry(number, { updatedAt: "2026-11-20T00:00:00Z", ...fields });
    const sha = noHead ? null : this.remote.pull(number, changes, entry.title);
    const i = this.pulls.findIndex((p) => p.number === number);
    if (i >= 0) this.pulls.splice(i, 1, entry);
    else this.pulls.push(entry);
    writePulls(this.forge.pullsFile("demo"), this.pulls);
    return sha;
  }

  patch(name: string, changes: FileChanges, base?: string): void {
    fs.mkdirSync(path.dirname(path.join(this.patches, name)), { recursive: true });
    fs.writeFileSync(path.join(this.patches, name), this.remote.patch(changes, name, base));
  }

  plan() {
    return planStagingBranch(this.settings, this.forge, NOW);
  }

  async run(push = true, now = NOW) {
    const { plan, classification } = await this.plan();
    const result = await assembleStagingBranch({ ...plan, workDir: path.join(this.dir, "work"), push, now });
    return { plan, classification, result };
  }

  /** A file of the remote staging branch. */
  staged(file: string): string {
    return git(this.remote.dir, ["show", `refs/heads/${this.settings.branch}:${file}`]);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describe("staging branch assembly on real repositories", () => {
  const scenarios: Scenario[] = [];
  const scenario = () => {
    const s = new Scenario();
    scenarios.push(s);
    return s;
  };
  afterAll(() => {
    for (const s of scenarios) s.cleanup();
  });

  it("lets the older PR win a conflict over a newer one, and goes on", async () => {
    const s = scenario();
    // #2 is older than #1: creation time decides, not the number.
    s.pull(1, { "a.txt": "from PR 1\n" }, { createdAt: "2026-11-10T00:00:00Z" });
    s.pull(2, { "a.txt": "from PR 2\n" }, { createdAt: "2026-11-09T00:00:00Z" });
    s.pull(3, { "c.txt": "from PR 3\n" }, { createdAt: "2026-11-11T00:00:00Z" });
    const { result } = await s.run();
    expect(result.merged.map((m) => m.number)).toEqual([2, 3]);
    expect(result.conflicts).toEqual([{ number: 1, files: ["a.txt"] }]);
    expect(s.staged("a.txt")).toBe("from PR 2\n");
    expect(s.staged("c.txt")).toBe("from PR 3\n");
    expect(result.pushed).toBe(true);
    const parents = git(s.remote.dir, ["rev-list", "--merges", "--count", `refs/heads/${s.settings.branch}`]);
    expect(Number(parents)).toBe(2);
  });

  it("skips each kind of PR with its reason, merging only the eligible one", async () => {
    const s = scenario();
    s.settings = { ...s.settings, skipList: ["#7"] };
    s.pull(1, { "d1.txt": "1\n" });
    s.pull(2, { "d2.txt": "2\n" }, {}, true);
    s.pull(3, { "d3.txt": "3\n" }, { author: "mallory" });
    s.pull(4, { "d4.txt": "4\n" }, { labels: ["staging-skip"] });
    s.pull(5, { "d5.txt": "5\n" }, { base: "release" });
    s.pull(6, { "d6.txt": "6\n" }, { draft: true });
    s.pull(7, { "d7.txt": "7\n" });
    s.pull(8, { "d8.txt": "8\n" }, { updatedAt: "2026-10-01T00:00:00Z" });
    const { result, classification } = await s.run();
    expect(classification.skipped.map((k) => [k.number, k.reason])).toEqual([
      [2, "head-missing"],
      [3, "untrusted"],
      [4, "label"],
      [5, "base"],
      [6, "draft"],
      [7, "skip-list"],
      [8, "stale"],
    ]);
    expect(result.merged.map((m) => m.number)).toEqual([1]);
    expect(
      git(s.remote.dir, ["ls-tree", "--name-only", `refs/heads/${s.settings.branch}`]).split("\n"),
    ).not.toContain("d3.txt");
  });

  it("trusts case-insensitively, by author and by head owner", async () => {
    const s = scenario();
    s.settings = { ...s.settings, trusted: ["ALICE", "KernelCI"] };
    s.pull(1, { "x.txt": "1\n" }, { author: "Alice" });
    s.pull(2, { "y.txt": "2\n" }, { author: "outsider", headOwner: "kernelci" });
    s.pull(3, { "z.txt": "3\n" }, { author: "outsider", headOwner: "outsider" });
    const { result, classification } = await s.run();
    expect(result.merged.map((m) => m.number)).toEqual([1, 2]);
    expect(classification.skipped.map((k) => [k.number, k.reason])).toEqual([[3, "untrusted"]]);
  });

  it("pushes nothing when a patch fails, leaving the remote byte-identical", async () => {
    const s = scenario();
    s.pull(1, { "a.txt": "from PR 1\n" });
    s.patch("01/0001-ok.patch", { "staging.txt": "staging\n" });
    s.patch("02/0002-broken.mbx", { "a.txt": "patched\n" }); // made against main: PR 1 changed that line
    s.remote.tag("staging-20261120.0");
    const before = s.remote.snapshot();
    const failure = await s.run().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PatchError);
    expect((failure as PatchError).patch).toBe(path.join(s.patches, "02/0002-broken.mbx"));
    expect((failure as PatchError).mergedBefore.map((m) => m.number)).toEqual([1]);
    expect((failure as Error).message).toMatch(/0002-broken\.mbx.*#1.*nothing was pushed/s);
    expect(s.remote.snapshot()).toBe(before);
    // The working clone recovers: without the broken patch the next run pushes.
    fs.rmSync(path.join(s.patches, "02"), { recursive: true });
    const { result } = await s.run();
    expect(result.pushed).toBe(true);
    expect(result.patches).toEqual(["01/0001-ok.patch"]);
    expect(s.staged("staging.txt")).toBe("staging\n");
  });

  it("pushes nothing on a second run with nothing changed", async () => {
    const s = scenario();
    s.pull(1, { "a.txt": "1\n" });
    const first = await s.run();
    expect(first.result.pushed).toBe(true);
    const before = s.remote.snapshot();
    const second = await s.run();
    expect(second.result).toMatchObject({
      changed: false,
      pushed: false,
      tag: null,
      head: first.result.head,
    });
    expect(changedPlanKeys(first.plan, second.plan)).toEqual([]);
    expect(s.remote.snapshot()).toBe(before);
  });

  it("re-merges a PR whose head moved", async () => {
    const s = scenario();
    s.pull(1, { "a.txt": "first version\n" });
    const first = await s.run();
    const moved = s.pull(1, { "a.txt": "second version\n" }) as string;
    const second = await s.run();
    expect(changedPlanKeys(first.plan, second.plan)).toEqual(["eligible"]);
    expect(second.result.merged).toEqual([{ number: 1, head: moved }]);
    expect(second.result.pushed).toBe(true);
    expect(s.staged("a.txt")).toBe("second version\n");
  });

  it("numbers tags within a day and prunes only tags of exactly the pattern", async () => {
    const s = scenario();
    s.settings = { ...s.settings, tagLimit: 2 };
    for (const t of ["staging-20261121.0", "staging-next-20261121.0", "staging-old", "v2026.11"])
      s.remote.tag(t);
    const tags: (string | null)[] = [];
    for (let i = 1; i <= 3; i++) {
      s.pull(1, { "a.txt": `version ${i}\n` });
      tags.push((await s.run()).result.tag);
    }
    expect(tags).toEqual(["staging-20261121.1", "staging-20261121.2", "staging-20261121.3"]);
    expect(s.remote.tags().sort()).toEqual(
      [
        "staging-20261121.2",
        "staging-20261121.3",
        "staging-next-20261121.0",
        "staging-old",
        "v2026.11",
      ].sort(),
    );
    s.pull(1, { "a.txt": "next day\n" });
    expect((await s.run(true, new Date("2026-11-22T00:00:01Z"))).result.tag).toBe("staging-20261122.0");
  });

  it("without push, leaves the remote untouched and reports what would be pushed", async () => {
    const s = scenario();
    s.pull(1, { "a.txt": "1\n" });
    const before = s.remote.snapshot();
    const { result } = await s.run(false);
    expect(result).toMatchObject({ changed: true, pushed: false, tag: "staging-20261121.0" });
    expect(s.remote.snapshot()).toBe(before);
  });

  it("reports a refused push as a PushError with the remote untouched", async () => {
    const s = scenario();
    s.pull(1, { "a.txt": "1\n" });
    fs.writeFileSync(
      path.join(s.remote.dir, "hooks", "pre-receive"),
      "#!/bin/sh\necho protected >&2\nexit 1\n",
      {
        mode: 0o755,
      },
    );
    const before = s.remote.snapshot();
    const failure = await s.run().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PushError);
    expect((failure as Error).message).toMatch(/remote is untouched/);
    expect(s.remote.snapshot()).toBe(before);
  });

  it("serialises concurrent runs on one working clone", async () => {
    const s = scenario();
    s.pull(1, { "a.txt": "1\n" });
    const [a, b] = await Promise.all([s.run(), s.run()]);
    expect([a.result.pushed, b.result.pushed].sort()).toEqual([false, true]);
  });
});
