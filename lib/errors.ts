/**
 * What kind of failure an error is, so the CLI (and the bot) act on the kind, never on the
 * message text: bad usage or input is the caller's to fix; the others happened out there.
 */
export type ErrorKind =
  /** Bad command line. */
  | "usage"
  /** A bad input file or configuration key, named in the message. */
  | "input"
  /** Content that does not merge or apply (a patch, a PR), or a plan overtaken by the remote. */
  | "conflict"
  /** A remote service failed or refused: git push, GitHub, Jenkins, the KernelCI API. */
  | "remote"
  /** A wait reached its deadline. */
  | "timeout"
  /** The pipe cleaner found fewer results or a lower pass rate than the baseline. */
  | "regression";

/** An error of this project: its message says what failed and what to do; `kind` says which. */
export class KciError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "KciError";
  }
}

const kinds: readonly ErrorKind[] = ["usage", "input", "conflict", "remote", "timeout", "regression"];

/** The kind of `error`, or null for an error of no declared kind (a bug, or a library's). */
export function errorKind(error: unknown): ErrorKind | null {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return kinds.includes(kind as ErrorKind) ? (kind as ErrorKind) : null;
}
