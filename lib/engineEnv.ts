import * as fs from "node:fs";
import * as path from "node:path";

/** The passphrase of the local stack's dummy secrets (Pulumi.local.yaml; scripts/env too). */
export const LOCAL_STACK_PASSPHRASE = "kernelci-local-only";

/**
 * The environment scripts/setup wrote for this checkout's Pulumi engine (`.pulumi/engine.env`):
 * the engine first on PATH and the local file backend, unless `env` already names a backend.
 * Null when no engine is installed here.
 */
export function readEngineEnv(
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> | null {
  const file = path.join(projectRoot, ".pulumi/engine.env");
  if (!fs.existsSync(file)) return null;
  const values: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) values[m[1]] = m[2];
  }
  const { PATH_PREPEND, LOCAL_BACKEND_URL, ...rest } = values;
  return {
    ...rest,
    PATH: `${PATH_PREPEND}:${env.PATH}`,
    PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL ?? LOCAL_BACKEND_URL,
  };
}
