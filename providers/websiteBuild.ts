import type { WebsiteBuild as Built, WebsiteSettings } from "../lib/release/website";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/release/website");
const engineModule = projectModule("lib/release/website");

export type WebsiteBuildInputs = WebsiteSettings & { token: string | null };

export const websiteBuildProvider = defineProvider<WebsiteBuildInputs, Omit<Built, "revision">>({
  type: "WebsiteBuild",
  inputs: {
    remote: "text",
    ref: "text",
    revision: "text",
    siteDir: "string",
    command: "text?",
    serverImage: "text",
    workDir: "text",
    identity: "object",
    token: "string?",
  },
  outputs: { context: "text", digest: "text", files: "number" },
  // Rebuilt only when the revision or the way it is built changes.
  diff: { keys: ["remote", "revision", "siteDir", "command", "serverImage"] },
  secrets: ["token"],
  id: (inputs) => `website:${inputs.revision}`,
  async apply(inputs) {
    const { token, ...settings } = inputs;
    const { context, digest, files } = await loadModule<Engine>(engineModule).buildWebsite(
      settings,
      token ? { token } : undefined,
    );
    return { context, digest, files };
  },
});

/** The static site of one website revision, built with Hugo (or a command) into a build context. */
export class WebsiteBuild extends dynamicResource(websiteBuildProvider) {}
