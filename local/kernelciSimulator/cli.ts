/**
 * Starts the KernelCI API simulator on 127.0.0.1 and writes `{url, pid, scenario}` to a JSON
 * file, for the local stack's main command and for tests run by hand:
 *
 *   npx ts-node local/kernelciSimulator/cli.ts --token T [--port 8901] [--scenario happy]
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
import { parseArgs } from "node:util";
import { projectRoot } from "../../lib/project";
import { ensureKernelFixture } from "../kernelFixture";
import { type ScenarioName, scenarioNames } from "./scenarios";
import { startSimulator, type WatchedRemote } from "./server";

function usage(message: string): never {
  process.stderr.write(
    `kernelci-simulator: ${message}\nusage: kernelci-simulator --token T [--port N] [--scenario ${scenarioNames.join("|")}] [--watch REMOTE=TREE]... [--kernel-fixture DIR] [--state-file FILE]\n`,
  );
  process.exit(2);
}

function options() {
  try {
    return parseArgs({
      options: {
        token: { type: "string" },
        port: { type: "string", default: "8901" },
        scenario: { type: "string", default: "happy" },
        watch: { type: "string", multiple: true, default: [] },
        "kernel-fixture": { type: "string" },
        "state-file": {
          type: "string",
          default: path.join(projectRoot, ".local/kernelci-simulator.json"),
        },
      },
    }).values;
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const args = options();
  const token = args.token ?? process.env.KCI_SIMULATOR_TOKEN ?? "";
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad port ${args.port}`);
  if (!scenarioNames.includes(args.scenario as ScenarioName)) usage(`unknown scenario ${args.scenario}`);
  const scenario = args.scenario as ScenarioName;
  const stateFile = path.resolve(args["state-file"]);
  const watch: WatchedRemote[] = args.watch.map((value) => {
    const sep = value.lastIndexOf("=");
    if (sep <= 0) usage(`--watch expects REMOTE=TREE, got ${value}`);
    return { remote: path.resolve(value.slice(0, sep)), tree: value.slice(sep + 1) };
  });
  if (args["kernel-fixture"] !== undefined) {
    const { remote } = ensureKernelFixture(path.resolve(args["kernel-fixture"]));
    watch.push({ remote, tree: "kernelci" });
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
