/**
 * The staging-branch defects a hostile but fair user found (issue 10), each replayed through
 * `kci-deploy staging-branch` or the engine, on real repositories.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { printable } from "../../cli/printable";
import { withoutAmAdvice } from "../../lib/git/repo";
import { assembleStagingBranch, InvalidRequestError, pushAdvice } from "../../lib/staging/assemble";
import { FixtureRemote, git, pullEntry, writePulls } from "../../local/gitFixtures";
import { runCli, stagingBranchArgv } from "../support/cli";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-hostile-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** A remote `demo.git` with PR 1 (alice) and PR 2 (alice, unrelated history), pulls and trusted files. */
function setup(titles: Record<number, string> = {}) {
  const root = path.join(dir, `case-${++counter}`);
  const remote = FixtureRemote.create(path.join(root, "demo.git"));
  remote.commitOnMain({ "a.txt": "a\n" }, "initial");
  remote.pull(1, { "b.txt": "b\n" }, "PR 1");
  remote.setRef("refs/pull/2/head", remote.commit(null, { "other.txt": "x\n" }, "unrelated root"));
  remote.pull(3, { "c.txt": "c\n" }, "PR 3");
  writePulls(path.join(root, "pulls.json"), [
    pullEntry(1, { title: titles[1] ?? "PR 1" }),
    pullEntry(2, { title: titles[2] ?? "PR 2" }),
    pullEntry(3, { author: titles[3] ?? "alice" }),
  ]);
  fs.writeFileSync(path.join(root, "trusted"), "alice\n");
  const args = (remoteArg = remote.dir) => stagingBranchArgv(root, remoteArg);
  return { root, remote, args };
}

const run = (argv: string[]) => runCli(argv, dir);

describe("kci-deploy staging-branch against hostile input (issue 10)", () => {
  it("defect 1: refuses --branch equal to --main, before anything is fetched or pushed", async () => {
    const { remote, args } = setup();
    const before = remote.snapshot();
    const { code, stderr } = await run([...args(), "--branch", "main", "--push"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--branch is the main branch \(main\): the staging branch would overwrite it/);
    expect(remote.snapshot()).toBe(before);
  });

  it("defect 2: a remote whose last segment is `..` is refused, and nothing outside --work-dir is touched", async () => {
    const { root, remote, args } = setup();
    const canary = path.join(root, "canary.txt");
    fs.writeFileSync(canary, "keep me\n");
    const { code, stderr } = await run([...args(`file://${remote.dir}/refs/..`), "--push"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/"\.\.", is not a repository name/);
    expect(fs.readFileSync(canary, "utf8")).toBe("keep me\n");
    expect(fs.existsSync(path.join(root, ".git"))).toBe(false);
  });

  it("defect 2: the engine refuses a repository name that resolves outside the work dir", async () => {
    const { root, remote } = setup();
    const request = {
      repo: "..",
      remote: remote.dir,
      main: "main",
      branch: "staging",
      tagPrefix: "staging-",
      tagLimit: 5,
      eligible: [],
      workDir: path.join(root, "work"),
      push: true,
      now: new Date(),
    };
    await expect(assembleStagingBranch(request)).rejects.toThrow(InvalidRequestError);
    await expect(assembleStagingBranch(request)).rejects.toThrow(
      /repository "\.\." is not a repository name/,
    );
    expect(fs.existsSync(path.join(root, ".git"))).toBe(false);
  });

  it("defect 4: a valid branch name of 240 characters pushes and exits 0, and so does the rerun", async () => {
    const { remote, args } = setup();
    const branch = `staging/${"x".repeat(232)}`;
    const first = await run([...args(), "--branch", branch, "--push", "--json"]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(remote.resolve(`refs/heads/${branch}`)).toBe(JSON.parse(first.stdout).head);
    const again = await run([...args(), "--branch", branch, "--push", "--json"]);
    expect(again).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(again.stdout)).toMatchObject({ pushed: false, head: JSON.parse(first.stdout).head });
  });

  it("defect 5: a trusted PR with unrelated history is a conflict named in the report; the others merge", async () => {
    const { remote, args } = setup();
    const json = await run([...args(), "--push", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      merged: [{ number: 1 }, { number: 3 }],
      conflicts: [{ number: 2, files: [], reason: "no common history with the branch" }],
      pushed: true,
    });
    expect(
      git(remote.dir, ["ls-tree", "--name-only", "refs/heads/staging.kernelci.org"]).split("\n"),
    ).toEqual(["a.txt", "b.txt", "c.txt", ""]);
    const table = await run(args());
    expect(table.stdout).toMatch(/^#2\s+conflict\s+\S+\s+alice\s+no common history with the branch$/m);
  });

  it("defect 9: PR titles and logins reach the terminal escaped, one line per PR", async () => {
    const { root, args } = setup({ 1: "evil\u001b[2J\nmerged  forged line", 3: "alice\u001b]0;pwned\u0007" });
    fs.writeFileSync(path.join(root, "trusted"), "alice\nalice\u001b]0;pwned\u0007\n");
    const { code, stdout } = await run(args());
    expect(code).toBe(0);
    expect(stdout).not.toContain("\u001b");
    expect(stdout).toContain("evil\\u001b[2J\\nmerged  forged line");
    expect(stdout.split("\n").filter((l) => l.startsWith("#"))).toHaveLength(3);
    expect(printable("a\u009bb\r\u2028")).toBe("a\\u009bb\\r\\u2028");
  });

  it("defect 10: an invalid branch name is named as such, not blamed on credentials", async () => {
    const { remote, args } = setup();
    const { code, stderr } = await run([...args(), "--branch", "bad..name", "--push"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--branch "bad\.\.name" is not a valid git branch name: it contains '\.\.'/);
    expect(stderr).not.toMatch(/credentials|branch protection/);
    expect(remote.tags()).toEqual([]);
    expect(pushAdvice("fatal: unable to access 'https://x/': Failed to connect")).toMatch(
      /could not be reached/,
    );
    expect(pushAdvice("! [remote rejected] main (protected branch hook declined)")).toMatch(/credentials/);
  });

  it("defect 10: a failed patch does not keep git's advice to run `git am --continue`", async () => {
    const { root, remote, args } = setup();
    fs.mkdirSync(path.join(root, "patches"));
    const patch = remote.patch({ "b.txt": "patched\n" }, "clash with PR 1");
    fs.writeFileSync(path.join(root, "patches", "0001-clash.patch"), patch);
    const { code, stderr } = await run([...args(), "--patches", path.join(root, "patches")]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/0001-clash\.patch does not apply/);
    expect(stderr).not.toMatch(/git am --(continue|skip|abort)|^hint:/m);
    expect(
      withoutAmAdvice(
        "Patch failed\nhint: Use 'git am --show-current-patch=diff'\nWhen you have resolved this problem, run \"git am --continue\".",
      ),
    ).toBe("Patch failed");
  });

  it("defect 11: usage errors exit 2: --work-dir pointing at a file, a tag prefix git refuses", async () => {
    const { root, remote, args } = setup();
    const file = path.join(root, "a-file");
    fs.writeFileSync(file, "");
    const before = remote.snapshot();
    const cases: [string[], RegExp][] = [
      [[...args().slice(0, -1), file], /--work-dir .* is not a directory/],
      [
        [...args(), "--tag-prefix", "*"],
        /--tag-prefix "\*" makes tags like \*20260101\.0 that are not valid git refs/,
      ],
      [[...args(), "--main=-x"], /--main "-x" is not a valid git branch name: it starts with '-'/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await run([...argv, "--push"]);
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(stderr).toMatch(message);
    }
    expect(remote.snapshot()).toBe(before);
  });

  it("defect 13: a head that is not a commit id never reaches git", async () => {
    const { root, remote } = setup();
    const request = {
      repo: "demo",
      remote: remote.dir,
      main: "main",
      branch: "staging",
      tagPrefix: "staging-",
      tagLimit: 5,
      eligible: [{ number: 7, head: "--upload-pack=touch pwned" }],
      workDir: path.join(root, "work"),
      push: true,
      now: new Date(),
    };
    await expect(assembleStagingBranch(request)).rejects.toThrow(
      /the head of PR #7 \("--upload-pack=touch pwned"\) is not a commit id/,
    );
    expect(fs.existsSync(path.join(root, "work"))).toBe(false);
  });
});
