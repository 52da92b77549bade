/**
 * "@kcibot" commands in PR comments (seed 003): parsing and who may ask for what. Pure: the
 * runner reads the comment from an `issue_comment` webhook and turns the verdict into actions.
 */

export const COMMANDS = ["deploy", "trigger", "skip", "unskip", "status"] as const;
export type CommandName = (typeof COMMANDS)[number];

export type Command = { name: CommandName; force: boolean } | { name: "unknown"; word: string };

/** What one line of the help reply says of each command. */
export const HELP: Record<CommandName, string> = {
  deploy:
    "maintainers: admit this PR (at its current head) to the next partial deploy; admins: a partial deploy now",
  trigger:
    "admins: a full cycle now (kernel test revision and pipe cleaner), within the 6-hour rule unless `--force`",
  skip: "maintainers and admins: keep this PR out of staging (adds the skip label)",
  unskip: "maintainers and admins: let this PR back in (removes the skip label)",
  status: "anyone: the bot's state, the next start and its reason",
};

/**
 * The text people wrote themselves: without fenced or indented code blocks, inline code and
 * quoted lines, so that quoting or documenting a command does not run it.
 */
export function ownText(body: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of body.replace(/\r\n?/g, "\n").split("\n")) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      continue;
    }
    if (/^( {4}|\t)/.test(line) || /^\s*>/.test(line)) continue;
    lines.push(line.replace(/(`+)[^`]*?\1/g, ""));
  }
  return lines;
}

/** Every command addressed to `mention` (case-insensitive), in the order written. */
export function parseCommands(body: string, mention = "kcibot"): Command[] {
  const pattern = new RegExp(`(?:^|[^\\w@/-])@${mention}\\b[ \\t]*([\\w-]*)([^\\n]*)`, "gi");
  const commands: Command[] = [];
  for (const line of ownText(body)) {
    for (const match of line.matchAll(pattern)) {
      const word = match[1].toLowerCase();
      const force = /(^|\s)--force\b/.test(match[2]);
      commands.push(
        (COMMANDS as readonly string[]).includes(word)
          ? { name: word as CommandName, force }
          : { name: "unknown", word },
      );
    }
  }
  return commands;
}

export type Role = "admin" | "maintainer" | "trusted" | "other";

/** The highest role of a login; logins compare case-insensitively, as on GitHub. */
export function roleOf(
  login: string,
  roles: { admins: readonly string[]; maintainers: readonly string[]; trusted: readonly string[] },
): Role {
  const has = (list: readonly string[]) => list.some((l) => l.toLowerCase() === login.toLowerCase());
  if (has(roles.admins)) return "admin";
  if (has(roles.maintainers)) return "maintainer";
  if (has(roles.trusted)) return "trusted";
  return "other";
}

/** What a command from someone in a role does; `reply` is what the bot answers on the PR. */
export type Verdict =
  | { effect: "ack"; reply: string }
  | { effect: "deploy-now"; reply: string }
  | { effect: "trigger"; force: boolean; reply: string }
  | { effect: "skip" | "unskip"; reply: string }
  | { effect: "status"; reply: string }
  | { effect: "none"; reply: string };

const whoMay: Record<CommandName, string> = {
  deploy: "maintainers and admins",
  trigger: "admins",
  skip: "maintainers and admins",
  unskip: "maintainers and admins",
  status: "anyone",
};

/** The list of commands, for an unknown command. */
export function helpText(): string {
  return ["kcibot commands:", ...COMMANDS.map((c) => `- \`@kcibot ${c}\`: ${HELP[c]}`)].join("\n");
}

/**
 * The decision for one command. `authorTrusted`: the PR's author is trusted already, so a
 * maintainer's ack adds nothing. `head`: the PR's current head, which an ack is bound to.
 */
export function authorize(
  command: Command,
  role: Role,
  pr: { authorTrusted: boolean; head: string },
): Verdict {
  if (command.name === "unknown") {
    return { effect: "none", reply: `Unknown command \`${command.word || "(none)"}\`.\n\n${helpText()}` };
  }
  const name: CommandName = command.name;
  const denied = {
    effect: "none" as const,
    reply: `Only ${whoMay[command.name]} may ask for \`${command.name}\`.`,
  };
  switch (name) {
    case "status":
      return { effect: "status", reply: "" };
    case "deploy":
      if (role === "admin") return { effect: "deploy-now", reply: "A partial deploy starts now." };
      if (role !== "maintainer") return denied;
      return pr.authorTrusted
        ? { effect: "none", reply: "The author is trusted already: this PR is in every deploy." }
        : {
            effect: "ack",
            reply: `Admitted at ${pr.head.slice(0, 12)} to the next partial deploy, until the next push.`,
          };
    case "trigger":
      if (role !== "admin") return denied;
      return { effect: "trigger", force: "force" in command && command.force, reply: "" };
    case "skip":
    case "unskip":
      if (role !== "admin" && role !== "maintainer") return denied;
      return { effect: name, reply: "" };
    default:
      return assertNever(name);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled command ${String(value)}`);
}
