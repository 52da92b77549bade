import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
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

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** A namespace that is almost ours (`KernelCI`, `kernel-ci`, `kernelcl`): a typo, not another provider's. */
export function looksLikeOurNamespace(ns: string): boolean {
  if (ns === namespace) return false;
  const folded = ns.toLowerCase().replace(/[^a-z0-9]/g, "");
  return folded === namespace || editDistance(ns.toLowerCase(), namespace) <= 2;
}

/**
 * The leaves of the secret sections that a stack file stores in plaintext (not `{secure: ...}`),
 * as `kernelci:<section>.<path>`: Pulumi marks a whole section secret as soon as one of its
 * leaves is, so only the file tells a single plaintext leaf among encrypted ones.
 */
export function plaintextSecretLeaves(stackFileText: string): string[] {
  const config = (parseYaml(stackFileText) as { config?: Record<string, unknown> } | null)?.config ?? {};
  const found: string[] = [];
  const walk = (value: unknown, at: string) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 1 && entries[0][0] === "secure") return;
      for (const [key, child] of entries) walk(child, `${at}.${key}`);
    } else if (Array.isArray(value)) {
      for (const [i, child] of value.entries()) walk(child, `${at}[${i}]`);
    } else {
      found.push(at);
    }
  };
  for (const section of secretSections) {
    const key = `${namespace}:${section}`;
    if (config[key] !== undefined) walk(config[key], key);
  }
  return found;
}

/**
 * Validates raw stack configuration (key -> string, as Pulumi hands it to the program).
 * Pure: `isSecret` tells which keys were set with --secret; `plaintextLeaves` which leaves of
 * secret sections the stack file holds in plaintext.
 */
export function parseStackConfig(
  raw: Record<string, string>,
  isSecret: (key: string) => boolean,
  source: string,
  plaintextLeaves: readonly string[] = [],
): StackConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const [ns, key] = fullKey.split(":");
    if (looksLikeOurNamespace(ns)) {
      problems.push(`${fullKey}: unknown namespace "${ns}"; this program reads ${namespace}:<key> only`);
      continue;
    }
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
  for (const leaf of plaintextLeaves) {
    const setPath = leaf.slice(namespace.length + 1);
    problems.push(
      `${leaf}: holds a secret but is stored in plaintext; set it with \`pulumi config set --secret --path ${setPath} <value>\``,
    );
  }
  const result = stackConfigSchema.safeParse(input);
  if (!result.success) problems.push(...result.error.issues.map(describe));
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

/**
 * The local stack deploys to the cluster KCI_LOCAL_KUBECONFIG names (kind, k3d, minikube...)
 * when it is set, instead of the one scripts/cluster starts. Other stacks keep their own.
 */
export function localCluster(config: StackConfig, env: NodeJS.ProcessEnv): StackConfig["kubernetes"] {
  const override = env.KCI_LOCAL_KUBECONFIG;
  if (config.environment !== "local" || !override || config.kubernetes.kubeconfig === undefined) {
    return config.kubernetes;
  }
  return { ...config.kubernetes, kubeconfig: override, context: undefined };
}

/** Reads and validates the current stack's configuration before any resource exists. */
export function loadStackConfig(): LoadedConfig {
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    allConfig(): Record<string, string>;
    isConfigSecret(key: string): boolean;
  };
  const stack = pulumi.getStack();
  const file = `Pulumi.${stack}.yaml`;
  const stackFile = path.resolve(file);
  const parsed = parseStackConfig(
    runtimeConfig.allConfig(),
    (key) => runtimeConfig.isConfigSecret(key),
    file,
    fs.existsSync(stackFile) ? plaintextSecretLeaves(fs.readFileSync(stackFile, "utf8")) : [],
  );
  const loaded: Record<string, unknown> = { ...parsed, kubernetes: localCluster(parsed, process.env) };
  for (const section of secretSections) loaded[section] = pulumi.secret(parsed[section]);
  return loaded as LoadedConfig;
}
