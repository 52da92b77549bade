import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/release/announce");
const engineModule = projectModule("lib/release/announce");

export interface ReleaseAnnouncementInputs {
  /** The change summary's digest: which release. */
  digest: string;
  release: string;
  recordFile: string;
  minHours: number;
  force: boolean;
}

export const releaseAnnouncementProvider = defineProvider<
  ReleaseAnnouncementInputs,
  { announcedAt: string | null; forced: boolean }
>({
  type: "ReleaseAnnouncement",
  inputs: { digest: "text", release: "text", recordFile: "text", minHours: "number", force: "boolean" },
  outputs: { announcedAt: "text?", forced: "boolean" },
  // Checked once per release; forcing a release already checked does nothing more.
  diff: { keys: ["digest"] },
  id: (inputs) => `release-announcement-${inputs.release}`,
  async apply(inputs) {
    const { announcementVerdict, readAnnouncements } = loadModule<Engine>(engineModule);
    const records = readAnnouncements(inputs.recordFile);
    const verdict = announcementVerdict(records, inputs.digest, new Date(), inputs.minHours, inputs.force);
    if (!verdict.ok)
      throw new Error(`Release ${inputs.release} refused before any change: ${verdict.reason}`);
    return { announcedAt: verdict.announcedAt, forced: verdict.forced };
  },
});

/**
 * The pre-flight of a production release (seed 002: announced "at least a day ahead"): fails
 * `up` before any tag, push or rollout when the release's summary was not announced long
 * enough before, unless forced.
 */
export class ReleaseAnnouncement extends dynamicResource(releaseAnnouncementProvider) {}
