import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { SMTPServer } from "smtp-server";
import { stringify } from "yaml";
import { releaseNotesCommand } from "../../cli/releaseNotes";
import { type AnnouncementRecord, announcementVerdict, readAnnouncements } from "../../lib/release/announce";
import { FixtureRemote } from "../../local/gitFixtures";
import { capturedIo } from "../support/cli";

interface Received {
  from: string;
  to: string[];
  auth: { user: string; pass: string };
  data: string;
}

/** A local SMTP server on 127.0.0.1 that accepts one login and keeps what it is sent. */
async function smtpServer(user: string, pass: string) {
  const received: Received[] = [];
  let login = { user: "", pass: "" };
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    onAuth(auth, _session, done) {
      if (auth.username !== user || auth.password !== pass) return done(new Error("bad credentials"));
      login = { user: auth.username ?? "", pass: auth.password ?? "" };
      done(null, { user: auth.username });
    },
    onData(stream, session, done) {
      let data = "";
      stream.on("data", (chunk) => (data += chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          auth: login,
          data,
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("kci-deploy release-notes", () => {
  let tmp: string;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-release-notes-"));
    smtp = await smtpServer("bot@kernelci.org", "PLANTED-smtp-5ecret");
    const core = FixtureRemote.create(path.join(tmp, "forge", "kernelci-core.git"));
    const deployed = core.commitOnMain({ a: "1\n" }, "base");
    core.setRef("refs/heads/kernelci.org", deployed);
    core.commitOnMain({ b: "1\n" }, "Add the release summary (#12)");
    core.tag("production-20261130090000");
    const stackFile = {
      config: {
        "kernelci:legacy": { enabled: false },
        "kernelci:release": {
          at: "2026-11-30T09:00:00Z",
          remoteRoot: "forge",
          components: [{ name: "kernelci-core" }, { name: "kernelci-backend", legacy: true }],
          workDir: "work",
          announce: {
            to: ["kernelci@lists.linux.dev"],
            from: "bot@kernelci.org",
            smtp: { host: "127.0.0.1", port: smtp.port, secure: false, user: "bot@kernelci.org" },
          },
        },
      },
    };
    fs.writeFileSync(path.join(tmp, "Pulumi.production.yaml"), stringify(stackFile));
  });
  afterEach(async () => {
    await smtp.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const io = () => capturedIo(tmp);
  const deps = {
    stackSecret: async (stack: string, key: string) =>
      stack === "production" && key === "smtpPassword" ? "PLANTED-smtp-5ecret" : undefined,
    now: () => new Date("2026-11-29T08:00:00Z"),
  };

  it("prints the summary of the configured release, without the legacy components", async () => {
    const { out, io: cli } = io();
    expect(await releaseNotesCommand(["--stack", "production"], cli, deps)).toBe(0);
    expect(out.stdout.split("\n").slice(0, 4)).toEqual([
      "KernelCI production release production-20261130090000",
      "",
      expect.stringMatching(
        /^kernelci-core: production-20261130090000 at [0-9a-f]{12}, over kernelci.org at [0-9a-f]{12}: 1 commit$/,
      ),
      "  * Add the release summary (#12, KernelCI Fixture)",
    ]);
    expect(smtp.received).toEqual([]);
    const md = io();
    await releaseNotesCommand(["--stack", "production", "--markdown"], md.io, deps);
    expect(md.out.stdout).toMatch(
      /^# KernelCI production release production-20261130090000\n\n## kernelci-core\n/,
    );
  });

  it("--announce mails the text with the stack's SMTP secret and records what and when", async () => {
    const { out, io: cli } = io();
    expect(await releaseNotesCommand(["--stack", "production", "--announce"], cli, deps)).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail).toMatchObject({
      from: "bot@kernelci.org",
      to: ["kernelci@lists.linux.dev"],
      auth: { user: "bot@kernelci.org", pass: "PLANTED-smtp-5ecret" },
    });
    expect(mail.data).toContain("Subject: [KernelCI] Production release production-20261130090000");
    // The body is quoted-printable: undo its soft line breaks and escapes before reading it.
    const body = mail.data
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));
    expect(body).toContain("  * Add the release summary (#12, KernelCI Fixture)");
    const records = readAnnouncements(path.join(tmp, ".local/release-announcements/production.jsonl"));
    expect(records).toEqual([
      expect.objectContaining({
        release: "production-20261130090000",
        to: ["kernelci@lists.linux.dev"],
        announcedAt: "2026-11-29T08:00:00.000Z",
        digest: expect.stringMatching(/^sha256:/),
      }),
    ]);
    expect(out.stderr).toContain("announced to kernelci@lists.linux.dev at 2026-11-29T08:00:00.000Z");
    expect(out.stdout + out.stderr + JSON.stringify(records)).not.toContain("PLANTED-smtp-5ecret");
  });

  it("refuses --announce without an announce section, and names a bad key", async () => {
    const file = path.join(tmp, "Pulumi.production.yaml");
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, text.replace(/ {4}announce:[\s\S]*$/, ""));
    await expect(releaseNotesCommand(["--stack", "production", "--announce"], io().io, deps)).rejects.toThrow(
      "--announce needs kernelci:release.announce in Pulumi.production.yaml",
    );
    fs.writeFileSync(file, text.replace("2026-11-30T09:00:00Z", "monday"));
    await expect(releaseNotesCommand(["--stack", "production"], io().io, deps)).rejects.toThrow(
      /kernelci:release\.at: /,
    );
  });
});

describe("announcement pre-flight", () => {
  const record = (announcedAt: string, digest = "sha256:a"): AnnouncementRecord => ({
    digest,
    release: "r",
    to: ["l@x.org"],
    subject: "s",
    messageId: "<m>",
    announcedAt,
  });
  const now = new Date("2026-11-30T09:00:00Z");

  it("passes a release announced at least the required time before", () => {
    expect(announcementVerdict([record("2026-11-29T09:00:00Z")], "sha256:a", now, 24, false)).toEqual({
      ok: true,
      announcedAt: "2026-11-29T09:00:00Z",
      forced: false,
    });
  });

  it("refuses one announced too late or never (or another release), unless forced", () => {
    const late = announcementVerdict([record("2026-11-29T10:00:00Z")], "sha256:a", now, 24, false);
    expect(late).toEqual({
      ok: false,
      reason: expect.stringContaining(
        "announced at 2026-11-29T10:00:00Z, 23.0 h ago, less than the 24 h required",
      ),
    });
    const other = announcementVerdict(
      [record("2026-11-20T10:00:00Z", "sha256:b")],
      "sha256:a",
      now,
      24,
      false,
    );
    expect(other).toEqual({
      ok: false,
      reason: expect.stringContaining("this release (sha256:a) was never announced"),
    });
    expect(announcementVerdict([], "sha256:a", now, 24, true)).toEqual({
      ok: true,
      announcedAt: null,
      forced: true,
    });
  });

  it("counts the first announcement of a release", () => {
    const records = [record("2026-11-30T08:00:00Z"), record("2026-11-28T08:00:00Z")];
    expect(announcementVerdict(records, "sha256:a", now, 24, false)).toMatchObject({
      ok: true,
      announcedAt: "2026-11-28T08:00:00Z",
    });
  });
});
