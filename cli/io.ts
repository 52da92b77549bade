import { KciError } from "../lib/errors";

/** Where a command writes and what it reads from its environment (tests pass their own). */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Bad usage or configuration: exit code 2, with a message saying what to fix. */
export class UsageError extends KciError {
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}

export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
