/**
 * An `up` killed during a push (issue 10, defect 8): the provider's git children die with it,
 * the lock it leaves is recognised as a dead process's, and the next run reports what the
 * remote really holds (its tag included).
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withLock } from "../../lib/lock";
import { applyStagingBranch, readStagingBranch } from "../../lib/staging/assemble";
import { onePullRequestRemote } from "../support/stagingFixture";

const projectRoot = path.resolve(__dirname, "../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-interrupted-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `code` in a Node.js process that compiles the project's TypeScript, as a provider does. */
function node(code: string, viaShell = false): ChildProcess {
  const args = ["-r", "ts-node/register/transpile-only", "-e", code];
  return viaShell
    ? // A shell that stays the parent (it has work after node), standing in for the Pulumi engine.
      spawn("sh", ["-c", `node ${args.map((a) => `'${a}'`).join(" ")}; echo done`], { cwd: projectRoot })
    : spawn("node", args, { cwd: projectRoot, stdio: "ignore" });
}

async function until(check: () => boolean, what: string, timeoutMs = 40_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.on("exit", () => resolve()),
  );

/** Processes whose command line mentions `text` (Linux /proc). */
function processesMentioning(text: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function scenario(name: string) {
  const root = path.join(dir, name);
  return { root, ...onePullRequestRemote(root, { tagLimit: 5 }) };
}

describe("an up killed during a push (defect 8)", () => {
  it("clears at once a lock left by a process that was killed", async () => {
    const lockDir = path.join(dir, "locked", "demo");
    const holder = node(
      `require("./lib/lock").withLock(${JSON.stringify(lockDir)}, () => new Promise(() => {}))`,
    );
    await until(() => fs.existsSync(`${lockDir}.lock/owner.json`), "the lock to be taken");
    holder.kill("SIGKILL");
    await exited(holder);
    // One second of patience: a lock of a dead process must not wait for the minute of staleness.
    await expect(withLock(lockDir, async () => "ran", 1)).resolves.toBe("ran");
  });

  it("kills the provider's git children when the engine dies, so the push never lands", async () => {
    const { root, remote, inputs } = scenario("killed");
    const started = path.join(root, "hook-started");
    const hook = path.join(remote.dir, "hooks", "pre-receive");
    fs.writeFileSync(hook, `#!/bin/sh\ntouch ${started}\nsleep 3\n`, { mode: 0o755 });
    const engine = node(
      `require("./providers/stagingBranch").stagingBranchProvider.spec.apply(${JSON.stringify(inputs)}, null)`,
      true,
    );
    await until(() => fs.existsSync(started), "the push to reach the remote");
    engine.kill("SIGKILL");
    await exited(engine);
    await until(() => processesMentioning(root).length === 0, "no process of the run to remain", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 3500)); // past the hook's sleep
    expect(remote.resolve("refs/heads/staging.kernelci.org")).toBeNull();
    expect(remote.tags()).toEqual([]);

    // The next run takes the dead run's lock at once, and reads and pushes what is real.
    fs.rmSync(hook);
    expect(await readStagingBranch(inputs)).toEqual({ head: null, tag: null });
    const outputs = await applyStagingBranch(inputs, new Date("2026-11-28T04:00:00Z"));
    expect(outputs).toMatchObject({ pushed: true, tag: "staging-20261128.0" });
    expect(await readStagingBranch(outputs)).toEqual({ head: outputs.head, tag: "staging-20261128.0" });
  }, 60_000);

  it("after a push whose run was not recorded, the next run's outputs name the tag the remote has", async () => {
    const { remote, inputs } = scenario("unrecorded");
    const first = await applyStagingBranch(inputs, new Date("2026-11-28T04:00:00Z"));
    // Killed after the push, before the run was recorded: the working clone has no record.
    for (const file of fs.readdirSync(path.join(inputs.workDir, "demo", ".git"))) {
      if (file.startsWith("kci-staging-")) fs.rmSync(path.join(inputs.workDir, "demo", ".git", file));
    }
    const next = await applyStagingBranch(inputs, new Date("2026-11-28T05:00:00Z"));
    expect(next).toMatchObject({ head: first.head, tag: first.tag, pushed: false });
    expect(remote.tags()).toEqual([first.tag]);
    expect(await readStagingBranch({ ...inputs, head: "0".repeat(40), tag: null })).toEqual({
      head: first.head,
      tag: first.tag,
    });
  });
});
