import { ackReason, addAck, onClosed, onHeadMoved } from "../../bot/acks";
import {
  authorize,
  COMMANDS,
  type Command,
  helpText,
  parseCommands,
  type Role,
  roleOf,
} from "../../bot/chatops";

describe("@kcibot commands in PR comments (bot/chatops.ts)", () => {
  it("finds commands addressed to the bot, case-insensitively, with --force", () => {
    expect(parseCommands("@kcibot deploy")).toEqual([{ name: "deploy", force: false }]);
    expect(parseCommands("LGTM.\n@KciBot Trigger --force please\n@kcibot status")).toEqual([
      { name: "trigger", force: true },
      { name: "status", force: false },
    ]);
    expect(parseCommands("@kcibot frobnicate")).toEqual([{ name: "unknown", word: "frobnicate" }]);
    expect(parseCommands("@kcibot")).toEqual([{ name: "unknown", word: "" }]);
  });

  it("ignores quoted text, code blocks, inline code, other mentions and e-mail addresses", () => {
    const body = [
      "> @kcibot deploy",
      "```",
      "@kcibot trigger",
      "```",
      "~~~sh",
      "@kcibot skip",
      "~~~",
      "    @kcibot unskip",
      "Run `@kcibot deploy` to deploy.",
      "@kcibotx deploy, bot@kcibot.org, @someone/@kcibot",
    ].join("\n");
    expect(parseCommands(body)).toEqual([]);
  });

  const roles = { admins: ["Padovan"], maintainers: ["broonie"], trusted: ["nuclearcat"] };
  it("knows each login's highest role, case-insensitively", () => {
    expect(roleOf("padovan", roles)).toBe("admin");
    expect(roleOf("BROONIE", roles)).toBe("maintainer");
    expect(roleOf("nuclearcat", roles)).toBe("trusted");
    expect(roleOf("stranger", roles)).toBe("other");
    expect(roleOf("padovan", { ...roles, maintainers: ["padovan"] })).toBe("admin");
  });

  // Every role × command, on a PR whose author is not trusted.
  const expected: Record<Role, Record<(typeof COMMANDS)[number], string>> = {
    admin: { deploy: "deploy-now", trigger: "trigger", skip: "skip", unskip: "unskip", status: "status" },
    maintainer: { deploy: "ack", trigger: "none", skip: "skip", unskip: "unskip", status: "status" },
    trusted: { deploy: "none", trigger: "none", skip: "none", unskip: "none", status: "status" },
    other: { deploy: "none", trigger: "none", skip: "none", unskip: "none", status: "status" },
  };
  const pr = { authorTrusted: false, head: "0123456789abcdef0123456789abcdef01234567" };
  it.each(Object.keys(expected) as Role[])("%s: what each command does", (role) => {
    for (const name of COMMANDS) {
      const verdict = authorize({ name, force: false }, role, pr);
      expect(`${name}:${verdict.effect}`).toBe(`${name}:${expected[role][name]}`);
      if (verdict.effect === "none")
        expect(verdict.reply).toMatch(/^Only (admins|maintainers and admins) may ask/);
    }
  });

  it("a maintainer's ack is bound to the head; on a trusted author's PR it adds nothing", () => {
    expect(authorize({ name: "deploy", force: false }, "maintainer", pr).reply).toContain("0123456789ab");
    expect(authorize({ name: "deploy", force: false }, "maintainer", { ...pr, authorTrusted: true })).toEqual(
      {
        effect: "none",
        reply: "The author is trusted already: this PR is in every deploy.",
      },
    );
  });

  it("passes --force through for admins only, and answers unknown commands with the list", () => {
    expect(authorize({ name: "trigger", force: true }, "admin", pr)).toMatchObject({
      effect: "trigger",
      force: true,
    });
    expect(authorize({ name: "trigger", force: true }, "maintainer", pr).effect).toBe("none");
    const unknown: Command = { name: "unknown", word: "frobnicate" };
    for (const role of ["admin", "other"] as const) {
      const verdict = authorize(unknown, role, pr);
      expect(verdict.effect).toBe("none");
      expect(verdict.reply).toContain(helpText());
    }
    for (const name of COMMANDS) expect(helpText()).toContain(`@kcibot ${name}`);
  });
});

describe("acks (bot/acks.ts)", () => {
  const ack = { repo: "kernelci/kernelci-api", pr: 7, sha: "a".repeat(40), by: "broonie", at: 1 };

  it("lives until the author pushes another head, and says who acked which commit", () => {
    let acks = addAck([], ack);
    expect(onHeadMoved(acks, { repo: ack.repo, pr: 7, sha: ack.sha })).toEqual({ acks, expired: null });
    expect(onHeadMoved(acks, { repo: ack.repo, pr: 8, sha: "b".repeat(40) }).expired).toBeNull();
    const pushed = onHeadMoved(acks, { repo: ack.repo, pr: 7, sha: "b".repeat(40) });
    expect(pushed).toEqual({ acks: [], expired: ack });
    expect(ackReason(ack)).toBe(`acked by broonie at ${"a".repeat(40)}`);
    acks = addAck(addAck(acks, ack), { ...ack, sha: "c".repeat(40), by: "khilman" });
    expect(acks).toEqual([{ ...ack, sha: "c".repeat(40), by: "khilman" }]);
    expect(onClosed(acks, { repo: ack.repo, pr: 7 })).toEqual([]);
  });
});
