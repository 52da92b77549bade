import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with the CLI's conventions: unknown or malformed options are a UsageError. */
export function parseOptions<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The value of a required option, or a UsageError naming it. */
export function required<V>(value: V | undefined, option: string): V {
  if (value === undefined || value === "") throw new UsageError(`--${option} is required`);
  return value;
}

/** The value of an option restricted to `choices`, or a UsageError listing them. */
export function oneOf<C extends string>(value: string | undefined, option: string, choices: readonly C[]): C {
  const v = required(value, option);
  if (!choices.includes(v as C))
    throw new UsageError(`--${option}: expected ${choices.join(", ")}, got "${v}"`);
  return v as C;
}
