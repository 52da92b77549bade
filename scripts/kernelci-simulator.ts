/**
 * Starts the KernelCI API simulator on 127.0.0.1 and writes `{url, pid, scenario}` to a JSON
 * file, for the local stack's main command and for tests run by hand:
 *
 *   npx ts-node scripts/kernelci-simulator.ts --token T [--port 8901] [--scenario happy]
 *     [--watch <kernel-remote>=<tree>]... [--kernel-fixture .local/kernel]
 *     [--state-file .local/kernelci-simulator.json]
 *
 * --kernel-fixture creates (once) the local stack's kernel repositories under the directory,
 * `upstream` and `linux.git`, and watches `linux.git` as the tree `kernelci`.
 * The token may come from KCI_SIMULATOR_TOKEN instead of --token. Stops on SIGTERM/SIGINT
 * and removes its state file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureKernelFixture } from "../lib/kernel/fixture";
import { type ScenarioName, scenarioNames } from "../lib/kernelci/simulator/scenarios";
import { startSimulator, type WatchedRemote } from "../lib/kernelci/simulator/server";

function usage(message: string): never {
  process.stderr.write(
    `kernelci-simulator: ${message}\nusage: kernelci-simulator --token T [--port N] [--scenario ${scenarioNames.join("|")}] [--watch REMOTE=TREE]... [--kernel-fixture DIR] [--state-file FILE]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let token = process.env.KCI_SIMULATOR_TOKEN ?? "";
  let port = 8901;
  let scenario: ScenarioName = "happy";
  let stateFile = path.resolve(__dirname, "../.local/kernelci-simulator.json");
  const watch: WatchedRemote[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (value === undefined) usage(`${args[i]} needs a value`);
    i++;
    switch (args[i - 1]) {
      case "--token":
        token = value;
        break;
      case "--port":
        port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad port ${value}`);
        break;
      case "--scenario":
        if (!scenarioNames.includes(value as ScenarioName)) usage(`unknown scenario ${value}`);
        scenario = value as ScenarioName;
        break;
      case "--watch": {
        const sep = value.lastIndexOf("=");
        if (sep <= 0) usage(`--watch expects REMOTE=TREE, got ${value}`);
        watch.push({ remote: path.resolve(value.slice(0, sep)), tree: value.slice(sep + 1) });
        break;
      }
      case "--kernel-fixture": {
        const { remote } = ensureKernelFixture(path.resolve(value));
        watch.push({ remote, tree: "kernelci" });
        break;
      }
      case "--state-file":
        stateFile = path.resolve(value);
        break;
      default:
        usage(`unknown option ${args[i - 1]}`);
    }
  }
  if (!token) usage("no token: pass --token or set KCI_SIMULATOR_TOKEN");
  const simulator = await startSimulator({ token, scenario, port, watch });
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, `${JSON.stringify({ url: simulator.url, pid: process.pid, scenario })}\n`);
  process.stdout.write(`KernelCI API simulator (${scenario}) on ${simulator.url}, state in ${stateFile}\n`);
  const stop = () => {
    fs.rmSync(stateFile, { force: true });
    simulator.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  process.stderr.write(`kernelci-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
