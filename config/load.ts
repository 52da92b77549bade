import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { type SecretSection, type StackConfig, secretSections, stackConfigSchema } from "./schema";

/**
 * Every problem of a stack's configuration, reported at once, each with its key path.
 * A RunError, so the engine prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  /** Its kind (lib/errors.ts): the configuration is the caller's to fix. */
  readonly kind = "input";

  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration in ${source} (nothing was deployed):\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        "Fix these keys with `pulumi config set` (secrets with --secret) and run again.",
    );
    this.name = "ConfigError";
  }
}

/** The validated configuration; secret sections stay Pulumi secrets. */
export type LoadedConfig = Omit<StackConfig, SecretSection> & {
  [K in SecretSection]: pulumi.Output<StackConfig[K]>;
};

const namespace = "kernelci";

function describe(issue: z.core.$ZodIssue): string {
  const key = [namespace, ...issue.path.map(String)].join(".").replace(/^kernelci\./, "kernelci:");
  return `${key}: ${issue.message}`;
}

/**
 * Validates raw stack configuration (key -> string, as Pulumi hands it to the program).
 * Pure: `isSecret` tells which keys were set with --secret.
 */
export function parseStackConfig(
  raw: Record<string, string>,
  isSecret: (key: string) => boolean,
  source: string,
): StackConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const [ns, key] = fullKey.split(":");
    if (ns !== namespace || key === undefined) continue;
    try {
      input[key] = JSON.parse(value);
    } catch {
      input[key] = value;
    }
  }
  for (const section of secretSections) {
    if (input[section] !== undefined && !isSecret(`${namespace}:${section}`)) {
      problems.push(
        `${namespace}:${section}: holds secrets but is stored in plaintext; set it with \`pulumi config set --secret --path ${section}.<key>\``,
      );
    }
  }
  const result = stackConfigSchema.safeParse(input);
  if (!result.success) problems.push(...result.error.issues.map(describe));
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

/** Reads and validates the current stack's configuration before any resource exists. */
export function loadStackConfig(): LoadedConfig {
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    allConfig(): Record<string, string>;
    isConfigSecret(key: string): boolean;
  };
  const stack = pulumi.getStack();
  const parsed = parseStackConfig(
    runtimeConfig.allConfig(),
    (key) => runtimeConfig.isConfigSecret(key),
    `Pulumi.${stack}.yaml`,
  );
  const loaded: Record<string, unknown> = { ...parsed };
  for (const section of secretSections) loaded[section] = pulumi.secret(parsed[section]);
  return loaded as LoadedConfig;
}
