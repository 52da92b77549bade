import type { RootfsBuilt } from "../lib/kernelci/rootfs";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Rootfs = typeof import("../lib/kernelci/rootfs");
type Actions = typeof import("../lib/actions/workflowRun");
type Poll = typeof import("../lib/poll");
const rootfsModule = projectModule("lib/kernelci/rootfs");
const actionsModule = projectModule("lib/actions/workflowRun");
const pollModule = projectModule("lib/poll");

export interface RootfsBuildInputs {
  github: { owner: string; repo: string; workflow: string; ref: string; apiUrl?: string };
  githubToken: string;
  variants: { name: string; arches: string[] }[];
  urlTemplate: string;
  /** A version asked for explicitly (YYYYMMDD.N), or null to number the next one. */
  requestedVersion: string | null;
  /** Digest of the recipes: a change builds new images. */
  recipesDigest: string | null;
  timeoutMinutes: number;
  poll: { initialSeconds: number; maxSeconds: number };
}

export const rootfsBuildProvider = defineProvider<RootfsBuildInputs, RootfsBuilt>({
  type: "RootfsBuild",
  inputs: {
    github: "object",
    githubToken: "text",
    variants: "list",
    urlTemplate: "text",
    requestedVersion: "text?",
    recipesDigest: "text?",
    timeoutMinutes: "number",
    poll: "object",
  },
  outputs: {
    version: "text",
    versions: "list",
    urls: "object",
    runUrl: "text",
    runId: "number",
    runConclusion: "text?",
  },
  // A build runs only when what it builds changes; timeouts and the token do not count.
  diff: { keys: ["github", "variants", "urlTemplate", "requestedVersion", "recipesDigest"] },
  secrets: ["githubToken"],
  // `read` asks GitHub for the run again: the token stays in the state, encrypted.
  readSecrets: ["githubToken"],
  id: (inputs) => `rootfs-${inputs.github.owner}-${inputs.github.repo}`,
  // On failure this throws: the engine keeps the previous outputs, so the old URLs stay.
  apply(inputs, previous) {
    const { actionsClient, dispatchAndWait } = loadModule<Actions>(actionsModule);
    const actions = actionsClient(inputs.githubToken, inputs.github.apiUrl);
    const policy = loadModule<Poll>(pollModule).pollPolicy(inputs.poll, inputs.timeoutMinutes);
    const dispatch = (workflowInputs: Record<string, string>) =>
      dispatchAndWait(actions, inputs.github, workflowInputs, policy);
    return loadModule<Rootfs>(rootfsModule).buildRootfs(inputs, previous ?? {}, dispatch, new Date());
  },
  // A run re-run by hand since (another conclusion) or deleted (null) shows on `pulumi refresh`;
  // a state written before the token was kept has nothing to ask with.
  async read(_id, { github, githubToken, runId }) {
    if (!github || !githubToken || typeof runId !== "number") return {};
    const { actionsClient, runConclusion } = loadModule<Actions>(actionsModule);
    return { runConclusion: await runConclusion(actionsClient(githubToken, github.apiUrl), github, runId) };
  },
});

/**
 * Rootfs images built by kernelci-core's workflow (seed 001/002): version `YYYYMMDD.N`, the
 * exact dispatched run followed to its conclusion, image URLs as outputs.
 */
export class RootfsBuild extends dynamicResource(rootfsBuildProvider) {}
