/**
 * The release announcement (seed 002: "send an email to the kernelci.org mailing list with a
 * summary of all the changes ... at least a day ahead"): mailed over SMTP with nodemailer,
 * recorded in a JSON-lines file, and checked by the production update's pre-flight.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KciError } from "../errors";

export interface AnnouncementRecord {
  /** The change summary's digest: which release was announced. */
  digest: string;
  release: string;
  to: string[];
  subject: string;
  messageId: string;
  announcedAt: string;
}

export type AnnouncementVerdict =
  | { ok: true; announcedAt: string | null; forced: boolean }
  | { ok: false; reason: string };

/** Every record of `file`, oldest first (none when it does not exist). */
export function readAnnouncements(file: string): AnnouncementRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line) as AnnouncementRecord;
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON announcement record`);
      }
    });
}

export function recordAnnouncement(file: string, record: AnnouncementRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/**
 * Whether the release of `digest` may go to production at `now`: announced at least
 * `minHours` before, or forced (the earliest announcement of that digest counts).
 */
export function announcementVerdict(
  records: readonly AnnouncementRecord[],
  digest: string,
  now: Date,
  minHours: number,
  force: boolean,
): AnnouncementVerdict {
  const first = records
    .filter((r) => r.digest === digest)
    .sort((a, b) => a.announcedAt.localeCompare(b.announcedAt))[0];
  const announcedAt = first?.announcedAt ?? null;
  const ageHours = first ? (now.getTime() - Date.parse(first.announcedAt)) / 3_600_000 : null;
  if (ageHours !== null && ageHours >= minHours) return { ok: true, announcedAt, forced: false };
  if (force) return { ok: true, announcedAt, forced: true };
  const fix =
    "run `npx kci-deploy release-notes --stack <stack> --announce`, wait, and run again " +
    "(or set release.announce.force)";
  return {
    ok: false,
    reason:
      ageHours === null
        ? `this release (${digest}) was never announced; ${fix}`
        : `this release was announced at ${announcedAt}, ${ageHours.toFixed(1)} h ago, less than the ${minHours} h required; ${fix}`,
  };
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  /** Refuse a server whose certificate does not verify (off only for a test server on 127.0.0.1). */
  rejectUnauthorized?: boolean;
}

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** Sends one mail; returns its Message-ID. */
export async function sendMail(smtp: SmtpSettings, mail: Mail): Promise<string> {
  const nodemailer = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    tls: { rejectUnauthorized: smtp.rejectUnauthorized ?? true },
    connectionTimeout: 30_000,
  });
  try {
    const info = await transport.sendMail(mail);
    return info.messageId;
  } catch (err) {
    throw new KciError(
      "remote",
      `mailing ${mail.to.join(", ")} through ${smtp.host}:${smtp.port} failed: ${(err as Error).message}`,
    );
  } finally {
    transport.close();
  }
}
