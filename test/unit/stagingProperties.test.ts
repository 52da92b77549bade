/**
 * Properties of the staging-branch engine over generated PR sets (issue 10): changes, empty
 * PRs, PRs reverting others, unrelated histories, under odd but valid branch names and tag
 * prefixes. Few runs on tiny repositories: the suite must stay fast.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { branchNameProblem } from "../../lib/git/names";
import { assembleStagingBranch } from "../../lib/staging/assemble";
import { FixtureRemote, git } from "../../local/gitFixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-props-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FILES = ["a.txt", "b.txt", "dir/c.txt"];
type PrSpec =
  | { kind: "change"; file: string; content: string }
  | { kind: "empty" }
  | { kind: "revert"; of: number }
  | { kind: "unrelated"; content: string };

const prSpec: fc.Arbitrary<PrSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("change" as const),
      file: fc.constantFrom(...FILES),
      content: fc.constantFrom("x\n", "y\n", "z\n"),
    }),
  },
  fc.record({ kind: fc.constant("empty" as const) }),
  fc.record({ kind: fc.constant("revert" as const), of: fc.nat(4) }),
  fc.record({ kind: fc.constant("unrelated" as const), content: fc.constantFrom("u\n", "v\n") }),
);

/** Odd but valid names: dots, slashes, plus signs, non-ASCII letters, braces. */
const branchName = fc
  .oneof(
    fc.constantFrom("staging.kernelci.org", "st/ag-ing_1", "a+b@c", "x{y}", "ünï/cødé", "release/v1.2#"),
    fc.stringMatching(/^[a-z0-9][a-z0-9._/+#-]{0,24}$/),
  )
  .filter((name) => branchNameProblem(name) === null && name !== "main");
const tagPrefix = fc.constantFrom("staging-", "t/", "v.", "pre_", "ü-");

/** PR heads on the remote for the specs; a revert undoes an earlier change PR on top of its head. */
function makePulls(remote: FixtureRemote, specs: PrSpec[]): string[] {
  const heads: string[] = [];
  specs.forEach((spec, i) => {
    const number = i + 1;
    const target = spec.kind === "revert" ? specs[spec.of] : undefined;
    if (spec.kind === "change")
      heads.push(remote.pull(number, { [spec.file]: spec.content }, `PR ${number}`));
    else if (spec.kind === "unrelated") {
      heads.push(remote.commit(null, { "other.txt": spec.content }, `PR ${number}`));
      remote.setRef(`refs/pull/${number}/head`, heads[i]);
    } else if (spec.kind === "revert" && target?.kind === "change" && spec.of < i) {
      const original = git(remote.dir, ["show", `refs/heads/main:${target.file}`]);
      heads.push(remote.commit(heads[spec.of], { [target.file]: original }, `Revert PR ${spec.of + 1}`));
      remote.setRef(`refs/pull/${number}/head`, heads[i]);
      // Empty: rewrites a file with the content it has, so the tree stays main's.
    } else heads.push(remote.pull(number, { "a.txt": "a\n" }, `PR ${number} (empty)`));
  });
  return heads;
}

/** The reference: `git merge --no-ff` of each PR in order in a plain clone, skipping those that fail. */
function sequentialMerge(
  remote: string,
  heads: string[],
  scratch: string,
): { tree: string; merged: number[] } {
  const env = {
    GIT_AUTHOR_NAME: "r",
    GIT_AUTHOR_EMAIL: "r@r",
    GIT_COMMITTER_NAME: "r",
    GIT_COMMITTER_EMAIL: "r@r",
  };
  const run = (args: string[]) =>
    execFileSync("git", args, {
      cwd: scratch,
      env: { ...process.env, ...env },
      stdio: "pipe",
      encoding: "utf8",
    });
  execFileSync("git", ["clone", "--quiet", remote, scratch], { stdio: "pipe" });
  run(["fetch", "--quiet", "origin", "+refs/pull/*/head:refs/pull/*"]);
  const merged: number[] = [];
  heads.forEach((head, i) => {
    try {
      run(["merge", "--quiet", "--no-ff", "--no-edit", head]);
      merged.push(i + 1);
    } catch {
      if (fs.existsSync(path.join(scratch, ".git", "MERGE_HEAD"))) run(["merge", "--abort"]);
    }
  });
  return { tree: run(["rev-parse", "HEAD^{tree}"]).trim(), merged };
}

/** Every path under `root` but the skipped ones, with its size and modification time. */
function listing(root: string, skip: string[]): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (skip.includes(full)) continue;
      const stat = fs.lstatSync(full);
      out.push(`${path.relative(root, full)} ${stat.size} ${stat.mtimeMs}`);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out.sort();
}

let run = 0;
describe("the staging-branch engine over generated PR sets", () => {
  it("pushes the tree of the sequential per-PR merge, changes no other ref, touches nothing outside its work dir", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(prSpec, { minLength: 1, maxLength: 5 }),
        branchName,
        tagPrefix,
        async (specs, branch, prefix) => {
          const root = path.join(dir, `run-${++run}`);
          const remote = FixtureRemote.create(path.join(root, "demo.git"));
          remote.commitOnMain({ "a.txt": "a\n", "b.txt": "b\n", "dir/c.txt": "c\n" }, "initial");
          remote.tag(`${prefix}unrelated-tag`);
          const heads = makePulls(remote, specs);
          fs.writeFileSync(path.join(root, "canary.txt"), "untouched\n");
          const workDir = path.join(root, "work");
          const refsBefore = git(remote.dir, ["for-each-ref", "--format=%(objectname) %(refname)"]).split(
            "\n",
          );
          const outside = listing(root, [workDir, remote.dir]);

          const result = await assembleStagingBranch({
            repo: "demo",
            remote: remote.dir,
            main: "main",
            branch,
            tagPrefix: prefix,
            tagLimit: 3,
            eligible: heads.map((head, i) => ({ number: i + 1, head })),
            workDir,
            push: true,
            now: new Date("2026-11-28T04:00:00Z"),
          });

          const reference = sequentialMerge(remote.dir, heads, path.join(dir, `reference-${run}`));
          expect(git(remote.dir, ["rev-parse", `refs/heads/${branch}^{tree}`]).trim()).toBe(reference.tree);
          expect(result.merged.map((m) => m.number)).toEqual(reference.merged);
          expect(result.conflicts.map((c) => c.number)).toEqual(
            heads.map((_, i) => i + 1).filter((n) => !reference.merged.includes(n)),
          );

          const refsAfter = git(remote.dir, ["for-each-ref", "--format=%(objectname) %(refname)"]).split(
            "\n",
          );
          const changed = refsAfter
            .filter((r) => !refsBefore.includes(r))
            .concat(refsBefore.filter((r) => !refsAfter.includes(r)));
          const allowed = (ref: string) => ref === `refs/heads/${branch}` || /^refs\/tags\//.test(ref);
          expect(changed.map((r) => r.split(" ")[1]).filter((ref) => !allowed(ref))).toEqual([]);
          const tags = changed.map((r) => r.split(" ")[1]).filter((ref) => ref.startsWith("refs/tags/"));
          expect(tags.every((ref) => ref === `refs/tags/${result.tag}`)).toBe(true);
          expect(remote.tags()).toContain(`${prefix}unrelated-tag`);

          expect(listing(root, [workDir, remote.dir])).toEqual(outside);
          expect(fs.readdirSync(root).sort()).toEqual(["canary.txt", "demo.git", "work"]);
        },
      ),
      {
        numRuns: 6,
        seed: 1028,
        // Every kind at least once, whatever the generator draws.
        examples: [
          [
            [
              { kind: "change", file: "a.txt", content: "x\n" },
              { kind: "unrelated", content: "u\n" },
              { kind: "empty" },
              { kind: "revert", of: 0 },
              { kind: "change", file: "a.txt", content: "y\n" },
            ],
            "ünï/cødé",
            "t/",
          ],
        ],
      },
    );
  }, 120_000);
});
