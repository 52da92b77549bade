import { type ErrorKind, errorKind } from "../lib/errors";
import { botCommand, botUsage } from "./bot";
import { type CliIo, processIo } from "./io";
import { releaseNotesCommand, releaseNotesUsage } from "./releaseNotes";
import { stagingBranchCommand, stagingBranchUsage } from "./stagingBranch";

const commands: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; usage: string }> = {
  "staging-branch": { run: stagingBranchCommand, usage: stagingBranchUsage },
  bot: { run: botCommand, usage: botUsage },
  "release-notes": { run: (args, io) => releaseNotesCommand(args, io), usage: releaseNotesUsage },
};

const usage = `usage: kci-deploy <command> [options]\n\ncommands:\n${Object.values(commands)
  .map((c) => `  ${c.usage.split("\n")[0].replace(/^usage: kci-deploy /, "")}`)
  .join("\n")}\n`;

/** The exit code of each kind of failure: 2 for what the caller must fix, 1 for the rest. */
export const exitCodes: Record<ErrorKind, number> = {
  usage: 2,
  input: 2,
  conflict: 1,
  remote: 1,
  timeout: 1,
  regression: 1,
};

/** Runs one command; returns the exit code (0 success, 1 failure, 2 bad usage or configuration). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!command) {
    io.stderr(name && name !== "--help" ? `kci-deploy: unknown command "${name}"\n${usage}` : usage);
    return name === "--help" ? 0 : 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    io.stderr(`kci-deploy ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    const kind = errorKind(err);
    return kind === null ? 1 : exitCodes[kind];
  }
}
