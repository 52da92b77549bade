import * as path from "node:path";
import type { CliIo } from "../../cli/io";
import { main } from "../../cli/main";

/** An io for a command that records what it writes (`out`, so far), in `cwd` with `env` only. */
export function capturedIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: "", stderr: "" };
  const io: CliIo = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    env,
    cwd,
  };
  return { io, out };
}

/** `kci-deploy <argv>` run in this process, in `cwd`: its exit code and what it wrote. */
export async function runCli(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out } = capturedIo(cwd, env);
  const code = await main(argv, io);
  return { code, ...out };
}

/** `kci-deploy staging-branch` against `remote`, with its pulls and trusted files and work dir under `root`. */
export function stagingBranchArgv(root: string, remote: string): string[] {
  return [
    "staging-branch",
    "--remote",
    remote,
    "--pulls",
    path.join(root, "pulls.json"),
    "--trusted",
    path.join(root, "trusted"),
    "--work-dir",
    path.join(root, "work"),
  ];
}
