/**
 * Child processes (git and the helpers it starts) must not outlive the run that started them:
 * a push that finishes after `pulumi up` was killed changes the remote behind the state's back.
 *
 * They stay in the process group of the process that runs the engine, on purpose: Pulumi
 * starts each provider plugin in a group of its own and kills that whole group
 * (cmdutil.KillChildren), and a terminal's ^C reaches the whole foreground group. What a group
 * kill misses, this module covers:
 * - a signal sent to our process alone (SIGTERM, SIGINT, SIGHUP): kill our descendants, then
 *   die of the same signal;
 * - in a provider, the death of the Pulumi engine that started us (SIGKILL, crash): we are
 *   re-parented, so kill our descendants and exit.
 */
import * as fs from "node:fs";

/** Every live descendant of `pid` (Linux /proc; nothing elsewhere), children before grandchildren. */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = fs.readFileSync(`/proc/${parent}/task/${task}/children`, "utf8");
      } catch {
        continue;
      }
      for (const child of children.split(" ").filter(Boolean).map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** SIGKILLs every descendant of this process; returns their pids. */
export function killDescendants(): number[] {
  const pids = descendants(process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return pids;
}

const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
let guarded = false;

/**
 * Installs the guards once per process. With `exitWithParent` (providers only: a command run
 * under nohup must survive its shell), a watchdog notices when the parent dies.
 */
export function guardChildProcesses(options: { exitWithParent: boolean; checkEveryMs?: number }): void {
  if (guarded) return;
  guarded = true;
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      killDescendants();
      process.kill(process.pid, signal);
    });
  }
  if (!options.exitWithParent) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    killDescendants();
    process.stderr.write(`kernelci-deploy: the process that started us (${parent}) died; stopped.\n`);
    process.exit(1);
  }, options.checkEveryMs ?? 200).unref();
}
