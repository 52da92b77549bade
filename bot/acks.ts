/**
 * Maintainers' acks ("@kcibot deploy" on a PR by someone not trusted): each admits that PR at
 * exactly the head it was given for, and expires when the author pushes again. Pure.
 */

export interface Ack {
  /** `owner/name`. */
  repo: string;
  pr: number;
  /** The head commit the ack was given for. */
  sha: string;
  by: string;
  at: number;
}

const samePr = (a: Pick<Ack, "repo" | "pr">, b: Pick<Ack, "repo" | "pr">) =>
  a.repo === b.repo && a.pr === b.pr;

/** The acks with `ack` in place of any earlier one for the same PR. */
export function addAck(acks: readonly Ack[], ack: Ack): Ack[] {
  return [...acks.filter((a) => !samePr(a, ack)), ack];
}

/** A push moved a PR's head: its ack expires unless it was given for that very commit. */
export function onHeadMoved(
  acks: readonly Ack[],
  moved: { repo: string; pr: number; sha: string },
): { acks: Ack[]; expired: Ack | null } {
  const expired = acks.find((a) => samePr(a, moved) && a.sha !== moved.sha) ?? null;
  return { acks: expired ? acks.filter((a) => a !== expired) : [...acks], expired };
}

/** A closed PR needs no ack any more. */
export function onClosed(acks: readonly Ack[], closed: { repo: string; pr: number }): Ack[] {
  return acks.filter((a) => !samePr(a, closed));
}

/** Why an acked PR is in staging, as the staging-branch preview shows it. */
export function ackReason(ack: Pick<Ack, "by" | "sha">): string {
  return `acked by ${ack.by} at ${ack.sha}`;
}
