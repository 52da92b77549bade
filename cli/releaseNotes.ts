import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { type ReleaseConfig, releaseSchema } from "../config/release";
import { resolveLocation } from "../lib/project";
import { recordAnnouncement, type SmtpSettings, sendMail } from "../lib/release/announce";
import { componentSettings, planRelease } from "../lib/release/releasePlan";
import { parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";
import { releaseNotesUsage } from "./usage";

export interface ReleaseNotesDeps {
  /** A secret of the stack's configuration (`kernelci:secrets.<key>`), decrypted. */
  stackSecret: (stack: string, key: string, cwd: string) => Promise<string | undefined>;
  now: () => Date;
  /** Test servers on 127.0.0.1 use a self-signed certificate. */
  smtpTls?: { rejectUnauthorized: boolean };
}

const exec = promisify(execFile);

export const processDeps: ReleaseNotesDeps = {
  async stackSecret(stack, key, cwd) {
    try {
      const { stdout } = await exec(
        "pulumi",
        ["config", "get", "--path", `kernelci:secrets.${key}`, "--stack", stack],
        {
          cwd,
        },
      );
      return stdout.replace(/\n$/, "") || undefined;
    } catch (err) {
      throw new UsageError(
        `cannot read kernelci:secrets.${key} of stack ${stack}: ${(err as Error).message.trim()}`,
      );
    }
  },
  now: () => new Date(),
};

const releaseNotesOptions = {
  stack: { type: "string" },
  markdown: { type: "boolean", default: false },
  announce: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

/** The release section of a stack file, validated, and whether the legacy system is enabled. */
export function readReleaseConfig(file: string): { release: ReleaseConfig; legacyEnabled: boolean } {
  if (!fs.existsSync(file)) throw new UsageError(`no stack file ${file}`);
  const config = (parse(fs.readFileSync(file, "utf8"))?.config ?? {}) as Record<string, unknown>;
  if (config["kernelci:release"] === undefined)
    throw new UsageError(`${file} has no kernelci:release section`);
  const result = releaseSchema.safeParse(config["kernelci:release"]);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - kernelci:release.${i.path.join(".")}: ${i.message}`);
    throw new UsageError(`invalid configuration in ${file}:\n${problems.join("\n")}`);
  }
  const legacy = config["kernelci:legacy"] as { enabled?: boolean } | undefined;
  return { release: result.data, legacyEnabled: legacy?.enabled === true };
}

export async function releaseNotesCommand(
  args: string[],
  io: CliIo,
  deps: ReleaseNotesDeps = processDeps,
): Promise<number> {
  const opts = parseOptions(args, releaseNotesOptions, releaseNotesUsage);
  if (opts.help) {
    io.stdout(releaseNotesUsage);
    return 0;
  }
  const stack = required(opts.stack, "stack", releaseNotesUsage);
  const { release, legacyEnabled } = readReleaseConfig(path.join(io.cwd, `Pulumi.${stack}.yaml`));
  const announce = release.announce;
  if (opts.announce && !announce)
    throw new UsageError(`--announce needs kernelci:release.announce in Pulumi.${stack}.yaml`);
  const resolve = (p: string) => resolveLocation(p, io.cwd);
  const token = io.env.GITHUB_TOKEN;
  const { summary } = await planRelease(
    componentSettings(release, legacyEnabled, resolve),
    token ? { token } : undefined,
  );
  io.stdout(opts.markdown ? summary.markdown : summary.text);
  if (!opts.announce || !announce) return 0;

  const password = await deps.stackSecret(stack, "smtpPassword", io.cwd);
  if (announce.smtp.user && !password)
    throw new UsageError(`kernelci:secrets.smtpPassword of stack ${stack} is not set`);
  const smtp: SmtpSettings = { ...announce.smtp, password, ...deps.smtpTls };
  const name = summary.name;
  const subject = `[KernelCI] Production release ${name}`;
  const messageId = await sendMail(smtp, {
    from: announce.from,
    to: announce.to,
    subject,
    text: summary.text,
  });
  const announcedAt = deps.now().toISOString();
  const recordFile = resolve(announce.recordFile ?? `.local/release-announcements/${stack}.jsonl`);
  recordAnnouncement(recordFile, {
    digest: summary.digest,
    release: name,
    to: announce.to,
    subject,
    messageId,
    announcedAt,
  });
  io.stderr(
    `announced to ${announce.to.join(", ")} at ${announcedAt} (${messageId}); recorded in ${recordFile}\n`,
  );
  return 0;
}
