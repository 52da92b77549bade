import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";

export const repoRoot = path.resolve(__dirname, "../..");

/**
 * The environment scripts/setup wrote for the real engine. The engine layer of the tests
 * always runs: without an engine it fails here, saying how to install one.
 */
export function engineEnv(): Record<string, string> {
  const file = path.join(repoRoot, ".pulumi/engine.env");
  if (!fs.existsSync(file)) {
    throw new Error(
      `No Pulumi engine installed (${file} is missing): run scripts/setup, then npm test again.`,
    );
  }
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  const { PATH_PREPEND, LOCAL_BACKEND_URL, ...rest } = env;
  return {
    ...rest,
    PATH: `${PATH_PREPEND}:${process.env.PATH}`,
    PULUMI_BACKEND_URL: LOCAL_BACKEND_URL,
    PULUMI_CONFIG_PASSPHRASE: "kernelci-local-only",
  };
}

/** The project's own CLI, found where scripts/setup put it. */
export async function pulumiCommand(env = engineEnv()): Promise<PulumiCommand> {
  const bin = env.PATH.split(":")[0];
  if (!fs.existsSync(path.join(bin, "pulumi"))) {
    throw new Error(`No pulumi binary in ${bin}: run scripts/setup, then npm test again.`);
  }
  return PulumiCommand.get({ root: path.dirname(bin) });
}

/**
 * A stack of this project in a private copy of the local backend, so tests never touch the
 * state of the user's own local stack. `configure` may set stack config before the first run.
 */
export async function localStack(stackName: string, backendDir: string): Promise<Stack> {
  const env = { ...engineEnv(), PULUMI_BACKEND_URL: `file://${backendDir}` };
  const pulumiCmd = await pulumiCommand(env);
  fs.mkdirSync(backendDir, { recursive: true });
  return LocalWorkspace.createOrSelectStack(
    { stackName, workDir: repoRoot },
    { envVars: env, pulumiCommand: pulumiCmd },
  );
}
