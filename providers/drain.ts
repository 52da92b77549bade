import type { ScalerSpec } from "../lib/kernelci/scale";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type DrainEngine = typeof import("../lib/kernelci/drain");
type Scale = typeof import("../lib/kernelci/scale");
type Api = typeof import("../lib/kernelci/api");
type Jenkins = typeof import("../lib/jenkins/client");
type Poll = typeof import("../lib/poll");
const drainModule = projectModule("lib/kernelci/drain");
const scaleModule = projectModule("lib/kernelci/scale");
const apiModule = projectModule("lib/kernelci/api");
const jenkinsModule = projectModule("lib/jenkins/client");
const pollModule = projectModule("lib/poll");

/**
 * The trigger's replicas on the cluster now, through the same scaler the drain and the resume
 * act with: a trigger scaled by hand since shows up on `pulumi refresh` (null: no Deployment).
 */
async function readTrigger(state: { trigger?: DrainInputs["trigger"]; scaler?: ScalerSpec }) {
  const { trigger, scaler } = state;
  if (!trigger || !scaler) return {};
  const replicas = await loadModule<Scale>(scaleModule)
    .scalerFor(scaler)
    .replicas(trigger.namespace, trigger.name);
  return { triggerReplicas: replicas };
}

export interface DrainInputs {
  /** What is about to be rolled out (a digest): the drain runs again only when it changes. */
  rolloutKey: string;
  apiUrl: string;
  apiToken: string;
  apiTimeoutMs: number;
  trigger: { namespace: string; name: string };
  scaler: ScalerSpec;
  windowHours: number;
  timeoutMinutes: number;
  poll: { initialSeconds: number; maxSeconds: number };
  force: boolean;
  /** Legacy Jenkins, where enabled: its bisections are cancelled. */
  legacy: { url: string; user: string; token: string; bisectionJob: string } | null;
}

export interface DrainOutputs {
  triggerReplicasBefore: number | null;
  /** The trigger's replicas after the drain (0), or as `pulumi refresh` found them on the cluster. */
  triggerReplicas: number | null;
  cancelled: string[];
  inFlight: string[];
  forced: boolean;
  drainedAt: string;
}

export const drainProvider = defineProvider<DrainInputs, DrainOutputs>({
  type: "Drain",
  inputs: {
    rolloutKey: "text",
    apiUrl: "text",
    apiToken: "string",
    apiTimeoutMs: "number",
    trigger: "object",
    scaler: "object",
    windowHours: "number",
    timeoutMinutes: "number",
    poll: "object",
    force: "boolean",
    legacy: "object?",
  },
  outputs: {
    triggerReplicasBefore: "number?",
    triggerReplicas: "number?",
    cancelled: "list",
    inFlight: "list",
    forced: "boolean",
    drainedAt: "text",
  },
  // Timeouts, poll intervals and force do not mean a new drain.
  diff: { keys: ["rolloutKey", "trigger", "apiUrl"] },
  // The legacy settings carry the Jenkins token.
  secrets: ["apiToken", "legacy"],
  id: (inputs) => `drain-${inputs.trigger.namespace}-${inputs.trigger.name}`,
  async apply(inputs) {
    const { kernelciApi } = loadModule<Api>(apiModule);
    const { jenkinsClient } = loadModule<Jenkins>(jenkinsModule);
    const { legacy, apiTimeoutMs: timeoutMs } = inputs;
    const jenkins = legacy && jenkinsClient({ ...legacy, requestTimeoutMs: timeoutMs });
    const result = await loadModule<DrainEngine>(drainModule).drain(
      {
        api: kernelciApi({ baseUrl: inputs.apiUrl, token: inputs.apiToken, timeoutMs }),
        scaler: loadModule<Scale>(scaleModule).scalerFor(inputs.scaler),
        cancelBisections: legacy && jenkins ? () => jenkins.cancelAll(legacy.bisectionJob) : undefined,
      },
      {
        trigger: inputs.trigger,
        windowHours: inputs.windowHours,
        policy: loadModule<Poll>(pollModule).pollPolicy(inputs.poll, inputs.timeoutMinutes),
        force: inputs.force,
      },
    );
    return { ...result, triggerReplicas: result.triggerReplicasBefore === null ? null : 0 };
  },
  read: (_id, state) => readTrigger(state),
});

/**
 * Production's pause before a rollout (seed 001): trigger scaled to zero, legacy bisections
 * cancelled, in-flight nodes waited for. Give it to the environment as `rolloutAfter`.
 */
export class Drain extends dynamicResource(drainProvider) {}

export interface TriggerResumeInputs {
  /** The drain this resumes from: a new drain means a new resume. */
  drainedAt: string;
  trigger: { namespace: string; name: string };
  scaler: ScalerSpec;
  /** Replicas before the drain (null: there was no trigger to pause). */
  replicas: number | null;
}

export interface TriggerResumeOutputs {
  /** The trigger's replicas after the resume, or as `pulumi refresh` found them on the cluster. */
  triggerReplicas: number | null;
  resumedAt: string;
}

export const triggerResumeProvider = defineProvider<TriggerResumeInputs, TriggerResumeOutputs>({
  type: "TriggerResume",
  inputs: { drainedAt: "text", trigger: "object", scaler: "object", replicas: "number?" },
  outputs: { triggerReplicas: "number?", resumedAt: "text" },
  diff: { keys: ["drainedAt"] },
  id: (inputs) => `resume-${inputs.trigger.namespace}-${inputs.trigger.name}`,
  async apply(inputs) {
    const scaler = loadModule<Scale>(scaleModule).scalerFor(inputs.scaler);
    return loadModule<DrainEngine>(drainModule).resume(scaler, inputs.trigger, inputs.replicas);
  },
  read: (_id, state) => readTrigger(state),
});

/**
 * The trigger resumed after the rollout (seed 001: "resume the monitor"), to the replicas the
 * drain found. Depends on the environment, so it runs after the trigger's Deployment.
 */
export class TriggerResume extends dynamicResource(triggerResumeProvider) {}
