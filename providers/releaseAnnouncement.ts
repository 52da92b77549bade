import * as pulumi from "@pulumi/pulumi";
import { loadModule, projectModule } from "./dynamic";

export interface ReleaseAnnouncementInputs {
  /** The change summary's digest: which release. */
  digest: string;
  release: string;
  recordFile: string;
  minHours: number;
  force: boolean;
}

type Engine = typeof import("../lib/release/announce");
const engineModule = projectModule("lib/release/announce");

async function check(inputs: ReleaseAnnouncementInputs) {
  const { announcementVerdict, readAnnouncements } = loadModule<Engine>(engineModule);
  const verdict = announcementVerdict(
    readAnnouncements(inputs.recordFile),
    inputs.digest,
    new Date(),
    inputs.minHours,
    inputs.force,
  );
  if (!verdict.ok) throw new Error(`Release ${inputs.release} refused before any change: ${verdict.reason}`);
  return { ...inputs, announcedAt: verdict.announcedAt, forced: verdict.forced };
}

export const releaseAnnouncementProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: ReleaseAnnouncementInputs) {
    return { changes: olds.digest !== news.digest };
  },
  async create(inputs: ReleaseAnnouncementInputs) {
    return { id: `release-announcement-${inputs.release}`, outs: await check(inputs) };
  },
  async update(_id, _olds, news: ReleaseAnnouncementInputs) {
    return { outs: await check(news) };
  },
};

/**
 * The pre-flight of a production release (seed 002: announced "at least a day ahead"): fails
 * `up` before any tag, push or rollout when the release's summary was not announced long
 * enough before, unless forced.
 */
export class ReleaseAnnouncement extends pulumi.dynamic.Resource {
  declare readonly announcedAt: pulumi.Output<string | null>;
  declare readonly forced: pulumi.Output<boolean>;

  constructor(
    name: string,
    args: { [K in keyof ReleaseAnnouncementInputs]: pulumi.Input<ReleaseAnnouncementInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      releaseAnnouncementProvider,
      name,
      { announcedAt: undefined, forced: undefined, ...args },
      opts,
      "kernelci",
      "ReleaseAnnouncement",
    );
  }
}
