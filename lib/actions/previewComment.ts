/** Marks the one PR comment the previews live in; it is found by this and edited in place. */
export const previewMarker = "<!-- kernelci-deploy:preview -->";

export interface StackPreview {
  stack: string;
  /** `pulumi preview`'s output (ANSI colours are removed). */
  output: string;
  /** Its exit code; null when it did not run. */
  exitCode: number | null;
}

/** GitHub refuses comments over 65,536 characters; leave room for the headings. */
const maxBody = 60_000;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ansi = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Keeps the end of a long output: the summary (`Resources: …`) and the errors are there. */
function tail(text: string, room: number): string {
  if (text.length <= room) return text;
  const cut = text.slice(text.length - room);
  return `… (${text.length - room} characters cut; the whole output is in the workflow log)\n${cut.slice(cut.indexOf("\n") + 1)}`;
}

/** A fence longer than any run of backticks in the text, so output cannot close it. */
function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(longest + 1);
}

function verdict(p: StackPreview): string {
  if (p.exitCode === null) return "did not run";
  return p.exitCode === 0 ? "ok" : `failed (exit ${p.exitCode})`;
}

/** The comment: one section per stack, each output folded and cut to fit. */
export function previewCommentBody(
  previews: StackPreview[],
  context: { commit: string; runUrl?: string },
): string {
  const room = Math.floor(maxBody / Math.max(1, previews.length)) - 300;
  const sections = previews.map((p) => {
    const output = tail(p.output.replace(ansi, "").trimEnd(), room);
    const f = fence(output);
    return [
      `### \`${p.stack}\`: ${verdict(p)}`,
      "",
      `<details${p.exitCode === 0 ? "" : " open"}><summary>pulumi preview --stack ${p.stack}</summary>`,
      "",
      `${f}\n${output}\n${f}`,
      "",
      "</details>",
    ].join("\n");
  });
  const run = context.runUrl ? ` ([workflow run](${context.runUrl}))` : "";
  return [
    previewMarker,
    `## Pulumi previews for ${context.commit.slice(0, 12)}${run}`,
    "",
    "What `pulumi up` would do to each stack if this PR were merged now. Policy violations are listed under each preview.",
    "",
    ...sections,
  ].join("\n");
}
