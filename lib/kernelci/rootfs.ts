import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const versionPattern = /^(\d{8})\.(\d+)$/;

/** `YYYYMMDD` of `now` in UTC. */
export function dayStamp(now: Date): string {
  return now.toISOString().slice(0, 10).replaceAll("-", "");
}

/**
 * Pure: the next rootfs version `YYYYMMDD.N` (seed 001), N counting from 0 the versions
 * already made that day, so versions never repeat.
 */
export function nextRootfsVersion(now: Date, previous: string[]): string {
  const day = dayStamp(now);
  const sameDay = previous
    .map((v) => versionPattern.exec(v))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === day)
    .map((m) => Number(m[2]));
  return `${day}.${sameDay.length === 0 ? 0 : Math.max(...sameDay) + 1}`;
}

export function isRootfsVersion(value: string): boolean {
  return versionPattern.test(value);
}

export interface RootfsVariant {
  name: string;
  arches: string[];
}

/** Pure: the image URLs of a version, from a template with {variant}, {version}, {arch}. */
export function rootfsUrls(
  template: string,
  version: string,
  variants: RootfsVariant[],
): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const v of variants) {
    for (const arch of v.arches) {
      urls[`${v.name}/${arch}`] = template
        .replaceAll("{variant}", v.name)
        .replaceAll("{version}", version)
        .replaceAll("{arch}", arch);
    }
  }
  return urls;
}

/** Digest of a recipes directory (paths and contents, sorted): a change re-runs the build. */
export function digestDirectory(dir: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    const entries = fs
      .readdirSync(path.join(dir, rel), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        hash.update(`${child}\0`);
        hash.update(fs.readFileSync(path.join(dir, child)));
        hash.update("\0");
      }
    }
  };
  walk("");
  return `sha256:${hash.digest("hex")}`;
}
