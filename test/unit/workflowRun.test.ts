import { actionsClient, dispatchAndWait, WorkflowRunFailure } from "../../lib/actions/workflowRun";
import { type ActionsDouble, startActions } from "../support/actionsServer";
import { fakeClock } from "../support/clock";

const policy = { initialMs: 1, maxMs: 5, factor: 2, timeoutMs: 60_000 };
const clock = () => fakeClock();

describe("GitHub Actions workflow runs", () => {
  let actions: ActionsDouble;
  beforeEach(async () => {
    actions = await startActions({ token: "ghp_test" });
  });
  afterEach(() => actions.close());
  const workflow = () => ({
    owner: "kernelci",
    repo: "kernelci-core",
    workflow: "rootfs.yml",
    ref: "main",
    apiUrl: actions.url,
  });

  it("follows the exact dispatched run (not the decoy) and checks its conclusion", async () => {
    const run = await dispatchAndWait(
      actionsClient("ghp_test", actions.url),
      workflow(),
      { version: "20261120.0" },
      policy,
      clock(),
    );
    expect(run.conclusion).toBe("success");
    expect(run.url).toBe(`https://github.invalid/kernelci/kernelci-core/actions/runs/${run.runId}`);
    expect(actions.dispatches).toEqual([
      { workflow: "rootfs.yml", ref: "main", inputs: { version: "20261120.0" } },
    ]);
  });

  it("fails when the run completes without success, with the run URL", async () => {
    actions.behaviour.conclusion = "failure";
    const failure = dispatchAndWait(actionsClient("ghp_test", actions.url), workflow(), {}, policy, clock());
    await expect(failure).rejects.toThrow(WorkflowRunFailure);
    await expect(failure).rejects.toThrow(
      /Workflow run https:\/\/github.invalid\/kernelci\/kernelci-core\/actions\/runs\/\d+ completed with conclusion failure/,
    );
  });

  it("gives up at the deadline, naming the run and its last status", async () => {
    actions.behaviour.pollsToComplete = Number.POSITIVE_INFINITY;
    await expect(
      dispatchAndWait(
        actionsClient("ghp_test", actions.url),
        workflow(),
        {},
        { ...policy, timeoutMs: 30 },
        clock(),
      ),
    ).rejects.toThrow(
      /Workflow run https:\/\/github.invalid\/.*\/runs\/\d+ did not complete within 0\.0 min \(last status: in_progress\)/,
    );
  });

  it("reports a refused dispatch with its status and says nothing was built", async () => {
    await expect(
      dispatchAndWait(actionsClient("wrong", actions.url), workflow(), {}, policy, clock()),
    ).rejects.toThrow(
      /Dispatching kernelci\/kernelci-core workflow rootfs.yml on main failed \(HTTP 401\).*Nothing was built/,
    );
  });
});
