import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseTrustedFile } from "../../cli/stagingBranch";
import { FixtureRemote, pullEntry, writePulls } from "../../local/gitFixtures";
import { runCli, stagingBranchArgv } from "../support/cli";
import { type GithubServer, githubPull, startGithubServer } from "../support/githubServer";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** A remote with PRs 1 (alice), 2 (conflicts with 1), 3 (untrusted), its pulls and trusted files. */
function setup() {
  const root = path.join(dir, `case-${++counter}`);
  const remote = FixtureRemote.create(path.join(root, "demo.git"));
  remote.commitOnMain({ "a.txt": "a\n" }, "initial");
  const heads = [
    remote.pull(1, { "a.txt": "one\n" }, "PR 1"),
    remote.pull(2, { "a.txt": "two\n" }, "PR 2"),
    remote.pull(3, { "b.txt": "b\n" }, "PR 3"),
  ];
  writePulls(path.join(root, "pulls.json"), [
    pullEntry(1, { author: "Alice" }),
    pullEntry(2, { author: "alice" }),
    pullEntry(3, { author: "mallory" }),
  ]);
  fs.writeFileSync(path.join(root, "trusted"), "# staging users\nalice  # maintainer\n\nbob\n");
  const args = stagingBranchArgv(root, remote.dir);
  return { root, remote, heads, args };
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, dir, env);

describe("kci-deploy staging-branch", () => {
  it("reads trusted files: one login per line, # comments", () => {
    expect(parseTrustedFile("# header\nalice\n  bob # reviewer\n\n#carol\n")).toEqual(["alice", "bob"]);
  });

  it("prints the --json document and, without --push, leaves the remote untouched", async () => {
    const { remote, heads, args } = setup();
    const before = remote.snapshot();
    const { code, stdout } = await run([...args, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report).sort()).toEqual(["conflicts", "head", "merged", "pushed", "skipped", "tag"]);
    expect(report).toMatchObject({
      merged: [{ number: 1, head: heads[0] }],
      skipped: [{ number: 3, reason: "untrusted" }],
      conflicts: [{ number: 2, files: ["a.txt"] }],
      tag: expect.stringMatching(/^staging-\d{8}\.0$/),
      pushed: false,
    });
    expect(remote.snapshot()).toBe(before);
  });

  it("pushes with --push, then exits 0 with nothing to push", async () => {
    const { remote, args } = setup();
    const first = await run([...args, "--push", "--json"]);
    expect(JSON.parse(first.stdout)).toMatchObject({ pushed: true });
    expect(remote.resolve("refs/heads/staging.kernelci.org")).toBe(JSON.parse(first.stdout).head);
    const before = remote.snapshot();
    const second = await run([...args, "--push", "--json"]);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ pushed: false, tag: null });
    expect(remote.snapshot()).toBe(before);
  });

  it("prints a table with one line per PR in the order considered", async () => {
    const { args } = setup();
    const { code, stdout } = await run([...args, "--branch", "staging-test"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    const rows = lines.filter((l) => l.startsWith("#"));
    expect(rows.map((r) => r.split(/\s+/).slice(0, 2))).toEqual([
      ["#1", "merged"],
      ["#2", "conflict"],
      ["#3", "skip:untrusted"],
    ]);
    expect(rows[1]).toContain("a.txt");
    expect(stdout).toMatch(
      /staging-test would move to [0-9a-f]{12} with tag staging-\d{8}\.0 \(not pushed: run with --push\)/,
    );
  });

  it("exits 1 when a patch fails, naming it, with the remote untouched", async () => {
    const { root, remote, args } = setup();
    fs.mkdirSync(path.join(root, "patches"));
    fs.writeFileSync(path.join(root, "patches", "0001-x.patch"), remote.patch({ "a.txt": "patched\n" }, "x"));
    const before = remote.snapshot();
    const { code, stderr } = await run([...args, "--patches", path.join(root, "patches"), "--push"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/0001-x\.patch does not apply on top of main and #1; .*nothing was pushed/);
    expect(remote.snapshot()).toBe(before);
  });

  it("exits 2 on bad usage or configuration, saying what is wrong", async () => {
    const { root, args } = setup();
    fs.writeFileSync(path.join(root, "empty"), "# nobody\n");
    const cases: [string[], RegExp][] = [
      [[], /usage: kci-deploy/],
      [["nope"], /unknown command "nope"/],
      [[...args, "--frobnicate"], /Unknown option '--frobnicate'/],
      [args.filter((a, i) => a !== "--remote" && args[i - 1] !== "--remote"), /--remote is required/],
      [[...args, "--github", "kernelci/demo"], /exactly one of --pulls <file> or --github/],
      [[...args, "--trusted", path.join(root, "empty")], /lists no login/],
      [[...args, "--trusted", path.join(root, "missing")], /cannot read the trusted file/],
      [[...args, "--remote", path.join(root, "missing.git")], /unknown or unreachable remote/],
      [[...args, "--main", "trunk"], /has no branch trunk/],
      [[...args, "--tag-limit", "0"], /--tag-limit must be a positive integer/],
      [[...args, "--patches", path.join(root, "nopatches")], /patches directory .* does not exist/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await run(argv);
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(stderr).toMatch(message);
    }
    fs.writeFileSync(path.join(root, "pulls.json"), "[{]");
    expect(await run(args)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Cannot read the pulls file/),
    });
  });

  describe("with --github", () => {
    let server: GithubServer;
    beforeAll(async () => {
      server = await startGithubServer();
    });
    afterAll(() => server.close());

    it("lists the PRs from the GitHub API and merges their heads from --remote", async () => {
      const { remote, heads, args } = setup();
      server.setPulls("kernelci", "demo", [
        githubPull(1, { head: { sha: heads[0], ref: "one", repo: { owner: { login: "alice" } } } }),
        githubPull(3, {
          user: { login: "mallory" },
          head: { sha: heads[2], ref: "three", repo: { owner: { login: "mallory" } } },
        }),
      ]);
      const github = args.filter((a, i) => a !== "--pulls" && args[i - 1] !== "--pulls");
      const { code, stdout } = await run([...github, "--github", "kernelci/demo", "--json", "--push"], {
        GITHUB_API_URL: server.url,
        GITHUB_TOKEN: "t0ken",
      });
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({
        merged: [{ number: 1 }],
        skipped: [{ number: 3, reason: "untrusted" }],
      });
      expect(server.requests[0].authorization).toBe("token t0ken");
      expect(remote.resolve("refs/heads/staging.kernelci.org")).toBe(JSON.parse(stdout).head);
    });
  });

  it("runs as `npx kci-deploy` through bin/kci-deploy", () => {
    const { args } = setup();
    const bin = path.resolve(__dirname, "../../bin/kci-deploy");
    const out = execFileSync(bin, [...args, "--json"], { encoding: "utf8", cwd: os.tmpdir() });
    expect(JSON.parse(out).merged).toHaveLength(1);
    let code = 0;
    try {
      execFileSync(bin, ["staging-branch", "--bogus"], { stdio: "pipe" });
    } catch (err) {
      code = (err as { status: number }).status;
    }
    expect(code).toBe(2);
  });
});
