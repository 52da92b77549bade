import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { readBotConfig } from "../../bot/configFile";
import { repoRoot } from "../support/engine";

// `kci-deploy bot --config <stack file>`: the bot and staging sections, every problem named.
describe("the bot's configuration", () => {
  it("reads the committed stack files", () => {
    for (const stack of ["local", "staging"]) {
      const { bot, staging } = readBotConfig(path.join(repoRoot, `Pulumi.${stack}.yaml`));
      expect(bot.stack).toBe(stack);
      expect(bot.repositories).toHaveLength(staging.repos.length);
    }
  });

  it("names every bad key and the file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-bot-config-"));
    const file = path.join(dir, "Pulumi.x.yaml");
    fs.writeFileSync(
      file,
      stringify({
        config: {
          "kernelci:bot": {
            stack: "x",
            repositories: ["kernelci/kernelci-nope", "bad"],
            durations: { settleMinutes: -1 },
          },
          "kernelci:staging": {
            forge: { kind: "local", root: "f" },
            repos: [{ name: "kernelci-api" }],
            trusted: ["a"],
          },
        },
      }),
    );
    const message = () => {
      try {
        readBotConfig(file);
      } catch (err) {
        return (err as Error).message;
      }
      return "no error";
    };
    expect(message()).toContain(`Invalid bot configuration in ${file} (the bot did not start)`);
    expect(message()).toContain("  - kernelci:bot.repositories.1: expected owner/name");
    expect(message()).toMatch(/ {2}- kernelci:bot\.durations\.settleMinutes: Too small/);
    // Once the section parses, the repositories are checked against the staging section.
    const fixed = {
      "kernelci:bot": { stack: "x", repositories: ["kernelci/kernelci-nope"] },
      "kernelci:staging": {
        forge: { kind: "local", root: "f" },
        repos: [{ name: "kernelci-api" }],
        trusted: ["a"],
      },
    };
    fs.writeFileSync(file, stringify({ config: fixed }));
    expect(message()).toContain(
      "kernelci:bot.repositories.0: kernelci/kernelci-nope is not a repository of the staging section (staging.repos)",
    );
    fs.rmSync(dir, { recursive: true });
  });
});
