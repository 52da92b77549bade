/**
 * The two decisions every dynamic provider makes about its inputs, as pure functions: which
 * inputs are bad (`check`) and which changed since the last run (`diff`). They run inside the
 * engine's provider process, captured by value, so this file imports nothing.
 */

/** What an input must be; a trailing `?` also allows null or absent. `text` is a non-empty string. */
export type InputKind = "text" | "string" | "number" | "boolean" | "list" | "object";

/** One declared kind per input key: TypeScript makes sure no key is forgotten. */
export type InputShape<I> = { readonly [K in keyof I]-?: InputKind | `${InputKind}?` };

/** A bad input, named by its property (the shape of Pulumi's CheckFailure). */
export interface InputFailure {
  property: string;
  reason: string;
}

/** What Pulumi passes for a value not known yet (a preview before its source exists). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function hasKind(value: unknown, kind: InputKind): boolean {
  switch (kind) {
    case "text":
      return typeof value === "string" && value !== "";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "list":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default: {
      const never: never = kind;
      throw new Error(`unknown input kind ${String(never)}`);
    }
  }
}

const description: Record<InputKind, string> = {
  text: "a non-empty string",
  string: "a string",
  number: "a number",
  boolean: "true or false",
  list: "a list",
  object: "an object",
};

/** Every input that does not have its declared kind, in the shape's order. Unknowns pass. */
export function inputFailures<I>(shape: InputShape<I>, inputs: object): InputFailure[] {
  const failures: InputFailure[] = [];
  for (const [property, declared] of Object.entries(shape) as [string, string][]) {
    const optional = declared.endsWith("?");
    const kind = (optional ? declared.slice(0, -1) : declared) as InputKind;
    const value = (inputs as Record<string, unknown>)[property];
    if (value === unknownValue || (optional && (value === null || value === undefined))) continue;
    if (!hasKind(value, kind)) {
      failures.push({
        property,
        reason: `${property} must be ${description[kind]}${optional ? " or null" : ""}`,
      });
    }
  }
  return failures;
}

/**
 * The inputs whose change means running again, and how to compare them. A key absent from
 * `keys` is recorded in the state without triggering anything (timeouts, tokens, titles).
 */
export interface DiffKeys<I> {
  readonly keys: readonly (keyof I & string)[];
  /** What to compare for a key instead of its whole value (it may be absent in old state). */
  readonly compareBy?: { readonly [K in keyof I]?: (value: I[K] | undefined) => unknown };
}

/** The declared keys whose value differs between the last state and the new inputs, in order. */
export function changedKeys<I>(diff: DiffKeys<I>, olds: Partial<I>, news: Partial<I>): string[] {
  const comparable = (key: keyof I & string, value: unknown) => {
    const by = diff.compareBy?.[key] as ((v: unknown) => unknown) | undefined;
    return JSON.stringify((by ? by(value) : value) ?? null);
  };
  return diff.keys.filter((key) => comparable(key, olds[key]) !== comparable(key, news[key]));
}
