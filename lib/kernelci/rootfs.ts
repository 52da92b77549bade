import { digestFiles, listFiles } from "../fileDigest";
import { nextDatedTag } from "../git/tags";

/**
 * Pure: the next rootfs version `YYYYMMDD.N` (seed 001), N counting from 0 the versions
 * already made that day, so versions never repeat: a dated tag with no prefix.
 */
export function nextRootfsVersion(now: Date, previous: readonly string[]): string {
  return nextDatedTag("", now, previous);
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

/** What a build keeps in its state between runs. */
export interface RootfsHistory {
  /** The versions made so far, oldest first (the last ones only). */
  versions?: string[];
  /** The image URLs in use. */
  urls?: Record<string, string>;
}

export interface RootfsBuilt {
  version: string;
  versions: string[];
  urls: Record<string, string>;
  runUrl: string;
  runId: number;
  /**
   * The run's conclusion: `success` after a build. `pulumi refresh` reads it again (see
   * `runConclusion`): another conclusion after a re-run by hand, null once the run is deleted.
   */
  runConclusion: string | null;
}

/** Enough versions to number a day's builds; older ones are forgotten. */
const historyLimit = 50;

/**
 * One rootfs build (seed 001/002): the requested version or the next one, the workflow run
 * dispatched with it, and the image URLs. On failure the error names the images that stay in
 * use, since the previous outputs are kept.
 */
export async function buildRootfs(
  build: { variants: RootfsVariant[]; urlTemplate: string; requestedVersion: string | null },
  previous: RootfsHistory,
  dispatch: (inputs: Record<string, string>) => Promise<{ url: string; runId: number; conclusion: string }>,
  now: Date,
): Promise<RootfsBuilt> {
  const versions = previous.versions ?? [];
  const version = build.requestedVersion ?? nextRootfsVersion(now, versions);
  const run = await dispatch({ version, variants: JSON.stringify(build.variants) }).catch((error) => {
    const kept = previous.urls ? Object.values(previous.urls) : [];
    throw new Error(
      `Rootfs build ${version} failed: ${error instanceof Error ? error.message : String(error)}\n` +
        (kept.length > 0
          ? `The previous images stay in use (outputs unchanged):\n${kept.map((u) => `  - ${u}`).join("\n")}`
          : "No previous images exist; nothing downstream was changed."),
    );
  });
  return {
    version,
    versions: [...versions, version].slice(-historyLimit),
    urls: rootfsUrls(build.urlTemplate, version, build.variants),
    runUrl: run.url,
    runId: run.runId,
    runConclusion: run.conclusion,
  };
}

/** Digest of a recipes directory (paths and contents): a change re-runs the build. */
export function digestDirectory(dir: string): string {
  return digestFiles(dir, listFiles(dir));
}
