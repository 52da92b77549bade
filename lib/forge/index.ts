import * as path from "node:path";
import type { StagingConfig } from "../../config/staging";
import { LocalForge } from "./local";
import type { Forge } from "./types";

/** The forge a stack's staging section names; a local root resolves against `projectRoot`. */
export function createForge(
  config: StagingConfig["forge"],
  projectRoot: string,
  githubToken?: string,
): Forge {
  switch (config.kind) {
    case "github": {
      // Loaded only when used: Octokit is an ES module graph the local stack does not need.
      const { GithubForge } = require("./github") as typeof import("./github");
      return new GithubForge({
        owner: config.owner,
        apiUrl: config.apiUrl,
        gitUrl: config.gitUrl,
        token: githubToken,
      });
    }
    case "local":
      return new LocalForge(path.resolve(projectRoot, config.root));
  }
}
