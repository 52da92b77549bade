import { KciError } from "../errors";
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
}

export interface WorkflowRunResult {
  runId: number;
  url: string;
  conclusion: string;
}

export class WorkflowRunFailure extends KciError {
  constructor(
    message: string,
    readonly runUrl: string | null,
  ) {
    super("remote", message);
    this.name = "WorkflowRunFailure";
  }
}

interface RunState {
  status: string;
  conclusion: string | null;
  html_url: string;
}

/** The two Actions calls a build needs, in Octokit's shape: `actionsClient` or a double. */
export interface ActionsClient {
  createWorkflowDispatch(params: {
    owner: string;
    repo: string;
    workflow_id: string;
    ref: string;
    inputs: Record<string, string>;
    return_run_details: boolean;
  }): Promise<{ data: unknown }>;
  getWorkflowRun(params: {
    owner: string;
    repo: string;
    run_id: number;
  }): Promise<{ data: { status: string | null; conclusion: string | null; html_url: string } }>;
}

/**
 * The real client: Octokit with `token`, against GitHub or `apiUrl` (a local double in tests),
 * each request under a deadline; a failure or an answer that is not JSON names the URL.
 */
export function actionsClient(
  token: string,
  apiUrl?: string,
  timeoutMs = DEFAULT_HTTP_TIMEOUT_MS,
): ActionsClient {
  const octokit = createOctokit({ token, baseUrl: apiUrl, timeoutMs });
  const api = (apiUrl ?? "https://api.github.com").replace(/\/$/, "");
  const named = async <T extends { data: unknown }>(path: string, call: Promise<T>): Promise<T> => {
    const response = await call.catch((err: { status?: number; response?: unknown }) => {
      throw Object.assign(new Error(describeRequestFailure(err, `${api}${path}`, timeoutMs)), {
        status: err.response === undefined ? undefined : err.status,
      });
    });
    if (typeof response.data !== "object" || response.data === null)
      throw new Error(`${api}${path} did not answer JSON`);
    return response;
  };
  return {
    createWorkflowDispatch: (params) =>
      named(
        `/repos/${params.owner}/${params.repo}/actions/workflows/${params.workflow_id}/dispatches`,
        octokit.rest.actions.createWorkflowDispatch(params),
      ),
    getWorkflowRun: (params) =>
      named(
        `/repos/${params.owner}/${params.repo}/actions/runs/${params.run_id}`,
        octokit.rest.actions.getWorkflowRun(params),
      ),
  };
}

const describe = (workflow: WorkflowRef) =>
  `${workflow.owner}/${workflow.repo} workflow ${workflow.workflow} on ${workflow.ref}`;

/** Dispatches the workflow; returns the id (and URL, if given) of the run it started. */
async function dispatch(
  actions: ActionsClient,
  workflow: WorkflowRef,
  inputs: Record<string, string>,
): Promise<{ runId: number; url: string }> {
  const where = describe(workflow);
  const dispatched = await actions
    .createWorkflowDispatch({
      owner: workflow.owner,
      repo: workflow.repo,
      workflow_id: workflow.workflow,
      ref: workflow.ref,
      inputs,
      return_run_details: true,
    })
    .catch((error: { status?: number; message?: string }) => {
      throw new WorkflowRunFailure(
        `Dispatching ${where} failed${error.status === undefined ? "" : ` (HTTP ${error.status})`}: ${error.message}. Nothing was built.`,
        null,
      );
    });
  const details = dispatched.data as { workflow_run_id?: number; html_url?: string } | undefined;
  if (details?.workflow_run_id === undefined) {
    throw new WorkflowRunFailure(
      `Dispatching ${where}: the server did not return the run's details (return_run_details), so the run cannot be ` +
        "identified safely. A run may have started: look at the repository's Actions page before retrying.",
      null,
    );
  }
  const runId = details.workflow_run_id;
  return { runId, url: details.html_url ?? `run ${runId} of ${where}` };
}

/**
 * What a run shows now: its conclusion once completed, else its status (`in_progress` while it
 * runs again after a re-run); null when the run no longer exists (deleted). Other failures throw,
 * naming the URL (see `actionsClient`).
 */
export async function runConclusion(
  actions: ActionsClient,
  workflow: Pick<WorkflowRef, "owner" | "repo">,
  runId: number,
): Promise<string | null> {
  const run = await actions
    .getWorkflowRun({ owner: workflow.owner, repo: workflow.repo, run_id: runId })
    .catch((error: { status?: number }) => {
      if (error.status === 404) return null;
      throw error;
    });
  if (run === null) return null;
  return run.data.status === "completed" ? run.data.conclusion : (run.data.status ?? "unknown");
}

/**
 * Dispatches a workflow and follows THAT run: the dispatch asks for the run's details
 * (`return_run_details`, GitHub API 2026-02), so no other run can be mistaken for ours. Polls
 * with backoff until the run completes or the deadline passes, then checks its conclusion:
 * completed is not success (a defect of the legacy scripts).
 */
export async function dispatchAndWait(
  actions: ActionsClient,
  workflow: WorkflowRef,
  inputs: Record<string, string>,
  policy: PollPolicy,
  clock: Clock = systemClock,
): Promise<WorkflowRunResult> {
  const { runId, url: fallbackUrl } = await dispatch(actions, workflow, inputs);
  try {
    const run = await pollUntil<RunState, RunState | null>(
      async () => {
        const { data } = await actions.getWorkflowRun({
          owner: workflow.owner,
          repo: workflow.repo,
          run_id: runId,
        });
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
