import { type CliIo, processIo, UsageError } from "./io";
import { stagingBranchUsage } from "./usage";

type Command = (args: string[], io: CliIo) => Promise<number>;

// A command's module is loaded when it runs: help and usage errors start in milliseconds.
const commands: Record<string, { load: () => Command; usage: string }> = {
  "staging-branch": {
    load: () => (require("./stagingBranch") as typeof import("./stagingBranch")).stagingBranchCommand,
    usage: stagingBranchUsage,
  },
};

const usage = `usage: kci-deploy <command> [options]\n\ncommands:\n${Object.values(commands)
  .map((c) => `  ${c.usage.split("\n")[0].replace(/^usage: kci-deploy /, "")}`)
  .join("\n")}\n`;

/** Runs one command; returns the exit code (0 success, 1 failure, 2 bad usage or configuration). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    io.stderr(name && name !== "--help" ? `kci-deploy: unknown command "${name}"\n${usage}` : usage);
    return name === "--help" ? 0 : 2;
  }
  try {
    return await command.load()(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`kci-deploy ${name}: ${err.message}\n`);
      return 2;
    }
    io.stderr(`kci-deploy ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
