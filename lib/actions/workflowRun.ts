import { createOctokit, DEFAULT_HTTP_TIMEOUT_MS, describeRequestFailure } from "../forge/octokit";
import { type Clock, type PollPolicy, PollTimeout, pollUntil, systemClock } from "../poll";

export interface WorkflowRef {
  owner: string;
  repo: string;
  /** Workflow file name (`rootfs.yml`) or id. */
  workflow: string;
  /** Branch or tag the workflow runs from. */
  ref: string;
  /** REST API root; GitHub's by default, a local double in tests. */
  apiUrl?: string;
  /** The longest wait for one API answer (ms). */
  requestTimeoutMs?: number;
}

export interface WorkflowRunResult {
  runId: number;
  url: string;
  conclusion: string;
}

export class WorkflowRunFailure extends Error {
  constructor(
    message: string,
    readonly runUrl: string | null,
  ) {
    super(message);
    this.name = "WorkflowRunFailure";
  }
}

interface RunState {
  status: string;
  conclusion: string | null;
  html_url: string;
}

/**
 * Dispatches a workflow and follows THAT run: the dispatch asks for the run's details
 * (`return_run_details`, GitHub API 2026-02), so no other run can be mistaken for ours. Polls
 * with backoff until the run completes or the deadline passes, then checks its conclusion:
 * completed is not success (a defect of the legacy scripts).
 */
export async function dispatchAndWait(
  workflow: WorkflowRef,
  inputs: Record<string, string>,
  token: string,
  policy: PollPolicy,
  clock: Clock = systemClock,
): Promise<WorkflowRunResult> {
  const octokit = createOctokit({ token, baseUrl: workflow.apiUrl, timeoutMs: workflow.requestTimeoutMs });
  const api = (workflow.apiUrl ?? "https://api.github.com").replace(/\/$/, "");
  const failure = (err: unknown, path: string) =>
    describeRequestFailure(err, `${api}${path}`, workflow.requestTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS);
  const where = `${workflow.owner}/${workflow.repo} workflow ${workflow.workflow} on ${workflow.ref}`;
  const dispatchPath = `/repos/${workflow.owner}/${workflow.repo}/actions/workflows/${workflow.workflow}/dispatches`;
  const dispatched = await octokit.rest.actions
    .createWorkflowDispatch({
      owner: workflow.owner,
      repo: workflow.repo,
      workflow_id: workflow.workflow,
      ref: workflow.ref,
      inputs,
      return_run_details: true,
    })
    .catch((error: unknown) => {
      throw new WorkflowRunFailure(
        `Dispatching ${where} failed: ${failure(error, dispatchPath)}. Nothing was built.`,
        null,
      );
    });
  const details = dispatched.data as { workflow_run_id?: number; html_url?: string } | undefined;
  if (details?.workflow_run_id === undefined) {
    throw new WorkflowRunFailure(
      `Dispatching ${where}: ${api}${dispatchPath} did not return the run's details (return_run_details), so the run cannot be ` +
        "identified safely. A run may have started: look at the repository's Actions page before retrying.",
      null,
    );
  }
  const runId = details.workflow_run_id;
  const fallbackUrl = details.html_url ?? `run ${runId} of ${where}`;
  try {
    const run = await pollUntil<RunState, RunState | null>(
      async () => {
        const { data } = await octokit.rest.actions
          .getWorkflowRun({ owner: workflow.owner, repo: workflow.repo, run_id: runId })
          .catch((error: unknown) => {
            const path = `/repos/${workflow.owner}/${workflow.repo}/actions/runs/${runId}`;
            throw new WorkflowRunFailure(
              `Following ${fallbackUrl} failed: ${failure(error, path)}. The run was not cancelled: look at it before retrying.`,
              details.html_url ?? null,
            );
          });
        if (typeof data !== "object" || data === null || typeof data.status !== "string") {
          throw new WorkflowRunFailure(
            `Following ${fallbackUrl}: ${api}/repos/${workflow.owner}/${workflow.repo}/actions/runs/${runId} did not answer a workflow run.`,
            details.html_url ?? null,
          );
        }
        const state: RunState = {
          status: data.status ?? "unknown",
          conclusion: data.conclusion,
          html_url: data.html_url,
        };
        return state.status === "completed" ? { done: true, value: state } : { done: false, status: state };
      },
      policy,
      () => "workflow run timeout",
      clock,
    );
    if (run.conclusion !== "success") {
      throw new WorkflowRunFailure(
        `Workflow run ${run.html_url} completed with conclusion ${run.conclusion ?? "none"}: look at its logs.`,
        run.html_url,
      );
    }
    return { runId, url: run.html_url, conclusion: run.conclusion };
  } catch (error) {
    if (error instanceof PollTimeout) {
      const last = error.last as RunState | null;
      const url = last?.html_url ?? fallbackUrl;
      throw new WorkflowRunFailure(
        `Workflow run ${url} did not complete within ${(policy.timeoutMs / 60_000).toFixed(1)} min (last status: ${last?.status ?? "unknown"}). ` +
          "It was not cancelled: look at it, then run `pulumi up` again (a new run is dispatched).",
        url,
      );
    }
    throw error;
  }
}
