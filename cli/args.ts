import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A problem with the command line, followed by the command's usage when it has one. */
const usageError = (problem: string, usage?: string) =>
  new UsageError(usage === undefined ? problem : `${problem}\n${usage}`);

/**
 * parseArgs with the CLI's conventions: unknown or malformed options are a UsageError (with the
 * command's `usage` after the problem, when given).
 */
export function parseOptions<T extends Options>(args: string[], options: T, usage?: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw usageError((err as Error).message, usage);
  }
}

/** The value of a required option, or a UsageError naming it (and the `usage`, when given). */
export function required<V>(value: V | undefined, option: string, usage?: string): V {
  if (value === undefined || value === "") throw usageError(`--${option} is required`, usage);
  return value;
}

/** The value of an option restricted to `choices`, or a UsageError listing them. */
export function oneOf<C extends string>(value: string | undefined, option: string, choices: readonly C[]): C {
  const v = required(value, option);
  if (!choices.includes(v as C))
    throw new UsageError(`--${option}: expected ${choices.join(", ")}, got "${v}"`);
  return v as C;
}
