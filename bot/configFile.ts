import * as fs from "node:fs";
import { parse } from "yaml";
import type { z } from "zod";
import { type BotConfig, botProblems, botSchema } from "../config/bot";
import { type StagingConfig, stagingSchema } from "../config/staging";

export interface BotStackConfig {
  bot: BotConfig;
  staging: StagingConfig;
  /** `kernelci:secrets` values set in plaintext are refused; encrypted ones are read through the engine. */
  source: string;
}

/**
 * The `kernelci:bot` and `kernelci:staging` sections of a stack file (`Pulumi.<stack>.yaml`),
 * validated with the stack schema's own sections and rules; every problem names its key.
 */
export function readBotConfig(file: string): BotStackConfig {
  if (!fs.existsSync(file)) throw new Error(`${file}: no such stack file`);
  let doc: { config?: Record<string, unknown> };
  try {
    doc = parse(fs.readFileSync(file, "utf8")) ?? {};
  } catch (err) {
    throw new Error(`${file}: not YAML (${(err as Error).message})`);
  }
  const raw = doc.config ?? {};
  const problems: string[] = [];
  const section = <T>(key: string, schema: z.ZodType<T>): T | undefined => {
    if (raw[`kernelci:${key}`] === undefined) {
      problems.push(`kernelci:${key}: missing (the bot needs this section)`);
      return undefined;
    }
    const parsed = schema.safeParse(raw[`kernelci:${key}`]);
    if (parsed.success) return parsed.data;
    problems.push(
      ...parsed.error.issues.map((i) => `kernelci:${[key, ...i.path.map(String)].join(".")}: ${i.message}`),
    );
    return undefined;
  };
  const bot = section("bot", botSchema);
  const staging = section("staging", stagingSchema);
  if (bot && staging) {
    const found = botProblems({ bot, staging, secrets: { webhookSecret: "read when the bot starts" } });
    problems.push(...found.map((p) => `kernelci:${p.path.join(".")}: ${p.message}`));
  }
  if (problems.length > 0 || !bot || !staging) {
    throw new Error(
      `Invalid bot configuration in ${file} (the bot did not start):\n  - ${problems.join("\n  - ")}`,
    );
  }
  return { bot, staging, source: file };
}
