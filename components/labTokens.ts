import type { LabTokens } from "../config/secrets";

/**
 * Lab tokens as files of a Kubernetes Secret (`<lab>-token`, `<lab>-callback-token`). Jenkins'
 * configuration-as-code reads `${name}` from such files, so its configuration names the tokens
 * without holding them.
 */
export function labTokenFiles(tokens: LabTokens): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tokens).flatMap(([lab, t]) => [
      [`${lab}-token`, t.token],
      [`${lab}-callback-token`, t.callbackToken],
    ]),
  );
}

/** How configuration as code names the content of a mounted secret file. */
export const cascPlaceholder = (file: string) => `\${${file}}`;

/** Jenkins credentials (configuration as code) for every lab: placeholders, never values. */
export function jenkinsLabCredentials(labs: string[]): object[] {
  return [...labs].sort().flatMap((lab) =>
    (["token", "callback-token"] as const).map((kind) => ({
      string: {
        scope: "GLOBAL",
        id: `${lab}-${kind}`,
        description: `${lab} ${kind === "token" ? "API token (job submission)" : "callback token"}`,
        secret: cascPlaceholder(`${lab}-${kind}`),
      },
    })),
  );
}
