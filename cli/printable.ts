/**
 * Text from outside (PR titles, logins, file names, git's messages) made safe to print on a
 * terminal: control characters, ANSI escape sequences and line breaks are shown escaped, so
 * a PR title can neither forge a line of the report nor drive the terminal.
 */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
  return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 0x0a
      ? "\\n"
      : code === 0x0d
        ? "\\r"
        : code === 0x09
          ? "\\t"
          : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** A multi-line message (git's output) made printable line by line, its line breaks kept. */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}
