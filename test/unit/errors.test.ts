import { UsageError } from "../../cli/io";
import { exitCodes } from "../../cli/main";
import { ConfigError } from "../../config/load";
import { WorkflowRunFailure } from "../../lib/actions/workflowRun";
import { errorKind } from "../../lib/errors";
import { RateLimitError } from "../../lib/forge/github";
import { readPullsFile } from "../../lib/forge/local";
import { JenkinsFailure } from "../../lib/jenkins/client";
import { KernelciApiError } from "../../lib/kernelci/api";
import { DrainFailure } from "../../lib/kernelci/drain";
import { PipeCleanerFailure } from "../../lib/kernelci/pipeCleaner";
import { PollTimeout } from "../../lib/poll";
import { PatchError, PushError, StalePlanError } from "../../lib/staging/assemble";

describe("error kinds", () => {
  it("every error of the project says its kind", () => {
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      throw new Error("expected a throw");
    };
    expect(
      [
        new UsageError("u"),
        new ConfigError("Pulumi.local.yaml", ["a: b"]),
        thrown(() => readPullsFile("/nonexistent/pulls.json")),
        new PatchError("repo", "0001.patch", [], "detail"),
        new StalePlanError("repo", "PR #1 head", "abc"),
        new PushError("repo", "remote", "detail"),
        new JenkinsFailure("j", "http://jenkins"),
        new WorkflowRunFailure("w", null),
        new KernelciApiError("GET failed", "http://api", 500),
        new RateLimitError("http://github", new Date(0), false),
        new DrainFailure("d"),
        new PollTimeout("t", null, 1),
        new PipeCleanerFailure("p"),
      ].map(errorKind),
    ).toEqual([
      "usage",
      "input",
      "input",
      "conflict",
      "conflict",
      "remote",
      "remote",
      "remote",
      "remote",
      "remote",
      "timeout",
      "timeout",
      "regression",
    ]);
    expect(errorKind(new Error("a bug"))).toBeNull();
    expect(errorKind(undefined)).toBeNull();
  });

  it("maps to the CLI's exit codes: 2 for what the caller must fix, 1 for the rest", () => {
    expect(exitCodes).toEqual({ usage: 2, input: 2, conflict: 1, remote: 1, timeout: 1, regression: 1 });
  });
});
