import { type ErrorKind, errorKind } from "../lib/errors";
import { cycleReportUsage } from "./cycleReport";
import { type CliIo, processIo } from "./io";
import { notifyUsage } from "./notify";
import { previewCommentUsage } from "./previewComment";
import { printableLines } from "./printable";
import { releaseCheckUsage } from "./releaseCheck";
import { botUsage, releaseNotesUsage, stagingBranchUsage } from "./usage";

type Command = (args: string[], io: CliIo) => Promise<number>;

// A command's module is loaded when it runs: help and usage errors start in milliseconds.
const commands: Record<string, { load: () => Command; usage: string }> = {
  "staging-branch": {
    load: () => (require("./stagingBranch") as typeof import("./stagingBranch")).stagingBranchCommand,
    usage: stagingBranchUsage,
  },
  bot: { load: () => (require("./bot") as typeof import("./bot")).botCommand, usage: botUsage },
  "release-notes": {
    load: () => (require("./releaseNotes") as typeof import("./releaseNotes")).releaseNotesCommand,
    usage: releaseNotesUsage,
  },
  notify: {
    load: () => (require("./notify") as typeof import("./notify")).notifyCommand,
    usage: notifyUsage,
  },
  "preview-comment": {
    load: () => (require("./previewComment") as typeof import("./previewComment")).previewCommentCommand,
    usage: previewCommentUsage,
  },
  "release-check": {
    load: () => (require("./releaseCheck") as typeof import("./releaseCheck")).releaseCheckCommand,
    usage: releaseCheckUsage,
  },
  "cycle-report": {
    load: () => (require("./cycleReport") as typeof import("./cycleReport")).cycleReportCommand,
    usage: cycleReportUsage,
  },
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
    return await command.load()(args, io);
  } catch (err) {
    io.stderr(`kci-deploy ${name}: ${printableLines(err instanceof Error ? err.message : String(err))}\n`);
    const kind = errorKind(err);
    return kind === null ? 1 : exitCodes[kind];
  }
}
