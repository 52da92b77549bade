import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { engineEnv, repoRoot } from "../support/engine";

// The GitHub Actions workflows and the project's composite action: linted by actionlint (built
// by scripts/setup) and held to the project's rules: actions pinned to full commit SHAs,
// minimal permissions, runs that wait for each other, no secrets where forked PRs run.
const workflowsDir = path.join(repoRoot, ".github/workflows");
const workflowFiles = fs.readdirSync(workflowsDir).filter((f) => f.endsWith(".yml"));
// biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML
const workflows: [string, any][] = workflowFiles.map((f) => [
  f,
  parse(fs.readFileSync(path.join(workflowsDir, f), "utf8")),
]);
const actionFile = path.join(repoRoot, ".github/actions/setup/action.yml");

describe("the workflows", () => {
  it("are the three the README describes", () => {
    expect(workflowFiles.sort()).toEqual(["preview.yml", "production.yml", "staging.yml"]);
  });

  it("pass actionlint", () => {
    const actionlint = engineEnv().ACTIONLINT;
    if (!actionlint || !fs.existsSync(actionlint)) {
      throw new Error("actionlint is not installed (ACTIONLINT in .pulumi/engine.env): run scripts/setup");
    }
    let out = "";
    try {
      out = execFileSync(actionlint, ["-no-color"], { cwd: repoRoot, encoding: "utf8" });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(out).toBe("");
  });

  it("pin every action to a full commit SHA, with the release named beside it", () => {
    const uses = [...workflowFiles.map((f) => path.join(workflowsDir, f)), actionFile].flatMap((file) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /^\s*(-\s+)?uses:/.test(line))
        .map((line) => line.replace(/^\s*(-\s+)?uses:\s*/, "")),
    );
    expect(uses.length).toBeGreaterThan(10);
    const unpinned = uses.filter(
      (u) => !u.startsWith("./") && !/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(u),
    );
    expect(unpinned).toEqual([]);
  });

  it.each(workflows)(
    "%s reads the repository only, and grants more per job only where needed",
    (_file, workflow) => {
      expect(workflow.permissions).toEqual({ contents: "read" });
      for (const job of Object.values(workflow.jobs) as { permissions?: Record<string, string> }[]) {
        if (job.permissions) expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
      }
    },
  );

  it.each(workflows)("%s never runs twice at once and never cancels a run in progress", (_file, workflow) => {
    expect(workflow.concurrency.group).toBeTruthy();
    expect(workflow.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("gives forked PRs the tests without secrets, and skips their previews", () => {
    const preview = workflows.find(([f]) => f === "preview.yml")?.[1];
    expect(JSON.stringify(preview.jobs.test)).not.toMatch(/secrets\./);
    expect(preview.jobs.test.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(["npm test"]);
    expect(preview.jobs.previews.if).toBe(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    expect(JSON.stringify(preview.jobs.previews)).toContain("scripts/ci/preview previews staging production");
  });

  it("run scripts/setup like .ci/run, through the one composite action", () => {
    const action = parse(fs.readFileSync(actionFile, "utf8"));
    expect(action.runs.steps.at(-1).run).toBe("scripts/setup");
    for (const [, workflow] of workflows) {
      for (const job of Object.values(workflow.jobs) as { steps: { uses?: string }[] }[]) {
        expect(job.steps[1].uses).toBe("./.github/actions/setup");
      }
    }
  });

  it("gate production on the release tags, a preview and the production environment", () => {
    const production = workflows.find(([f]) => f === "production.yml")?.[1];
    expect(Object.keys(production.on)).toEqual(["workflow_dispatch"]);
    expect(production.jobs.update.needs).toBe("preflight");
    expect(production.jobs.update.environment).toBe("production");
    const preflight = JSON.stringify(production.jobs.preflight.steps);
    expect(preflight).toContain("npx kci-deploy release-check");
    expect(preflight).toContain("scripts/ci/preview preview production");
  });
});
