import * as pulumi from "@pulumi/pulumi";
import { loadModule, projectModule } from "./dynamic";

/** The cluster whose trigger is paused (kubeconfig file and context; no credentials). */
export type ScalerSpec = { kubeconfig: string | null; context: string | null };

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

type Args = { [K in keyof DrainInputs]: pulumi.Input<DrainInputs[K]> };

const drainModule = projectModule("lib/kernelci/drain");
const apiModule = projectModule("lib/kernelci/api");
const scaleModule = projectModule("lib/kernelci/scale");
const jenkinsModule = projectModule("lib/jenkins/client");
const pollModule = projectModule("lib/poll");

/** Inputs whose change means a new drain; timeouts, poll intervals and force do not. */
const drainKeys = ["rolloutKey", "trigger", "apiUrl"] as const;

async function runDrain(inputs: DrainInputs): Promise<pulumi.dynamic.CreateResult["outs"]> {
  const { drain } = loadModule<typeof import("../lib/kernelci/drain")>(drainModule);
  const { kernelciApi } = loadModule<typeof import("../lib/kernelci/api")>(apiModule);
  const { kubernetesScaler } = loadModule<typeof import("../lib/kernelci/scale")>(scaleModule);
  const { jenkinsClient } = loadModule<typeof import("../lib/jenkins/client")>(jenkinsModule);
  const { pollPolicy } = loadModule<typeof import("../lib/poll")>(pollModule);
  const legacy = inputs.legacy;
  const result = await drain(
    {
      api: kernelciApi({ baseUrl: inputs.apiUrl, token: inputs.apiToken, timeoutMs: inputs.apiTimeoutMs }),
      scaler: kubernetesScaler(inputs.scaler),
      cancelBisections: legacy
        ? () =>
            jenkinsClient({
              url: legacy.url,
              user: legacy.user,
              token: legacy.token,
              requestTimeoutMs: inputs.apiTimeoutMs,
            }).cancelAll(legacy.bisectionJob)
        : undefined,
    },
    {
      trigger: inputs.trigger,
      windowHours: inputs.windowHours,
      policy: pollPolicy(inputs.poll, inputs.timeoutMinutes),
      force: inputs.force,
    },
  );
  // Tokens stay out of the outputs: only what the next diff and the operator need.
  return {
    rolloutKey: inputs.rolloutKey,
    apiUrl: inputs.apiUrl,
    trigger: inputs.trigger,
    scaler: inputs.scaler,
    triggerReplicasBefore: result.triggerReplicasBefore,
    triggerReplicas: 0,
    cancelled: result.cancelled,
    inFlight: result.inFlight,
    forced: result.forced,
    drainedAt: result.drainedAt,
  };
}

export const drainProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: DrainInputs) {
    const changes = drainKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: DrainInputs) {
    return { id: `drain-${inputs.trigger.namespace}-${inputs.trigger.name}`, outs: await runDrain(inputs) };
  },
  async update(_id, _olds, news: DrainInputs) {
    return { outs: await runDrain(news) };
  },
  // `pulumi refresh` reads the trigger's replicas as the cluster has them now (scaled by hand?).
  async read(id, props: { trigger: DrainInputs["trigger"]; scaler: ScalerSpec }) {
    return { id, props: { ...props, triggerReplicas: await currentReplicas(props) } };
  },
};

async function currentReplicas(props: { trigger: DrainInputs["trigger"]; scaler: ScalerSpec }) {
  const { kubernetesScaler } = loadModule<typeof import("../lib/kernelci/scale")>(scaleModule);
  return kubernetesScaler(props.scaler).replicas(props.trigger.namespace, props.trigger.name);
}

/**
 * Production's pause before a rollout (seed 001): trigger scaled to zero, legacy bisections
 * cancelled, in-flight nodes waited for. Give it to the environment as `rolloutAfter`.
 */
export class Drain extends pulumi.dynamic.Resource {
  declare readonly drainedAt: pulumi.Output<string>;
  declare readonly inFlight: pulumi.Output<string[]>;
  declare readonly forced: pulumi.Output<boolean>;
  declare readonly triggerReplicasBefore: pulumi.Output<number | null>;
  /** The trigger's replicas when last drained (0) or refreshed (what the cluster has). */
  declare readonly triggerReplicas: pulumi.Output<number | null>;

  constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
    super(
      drainProvider,
      name,
      {
        drainedAt: undefined,
        inFlight: undefined,
        forced: undefined,
        triggerReplicasBefore: undefined,
        triggerReplicas: undefined,
        ...args,
      },
      opts,
      "kernelci",
      "Drain",
    );
  }
}

export interface TriggerResumeInputs {
  /** The drain this resumes from: a new drain means a new resume. */
  drainedAt: string;
  trigger: { namespace: string; name: string };
  scaler: ScalerSpec;
  /** Replicas before the drain (null: there was no trigger to pause). */
  replicas: number | null;
}

async function runResume(inputs: TriggerResumeInputs) {
  const { resume } = loadModule<typeof import("../lib/kernelci/drain")>(drainModule);
  const { kubernetesScaler } = loadModule<typeof import("../lib/kernelci/scale")>(scaleModule);
  const scaler = kubernetesScaler(inputs.scaler);
  return { ...inputs, ...(await resume(scaler, inputs.trigger, inputs.replicas)) };
}

export const triggerResumeProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: TriggerResumeInputs) {
    return { changes: olds.drainedAt !== news.drainedAt, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: TriggerResumeInputs) {
    return { id: `resume-${inputs.trigger.namespace}-${inputs.trigger.name}`, outs: await runResume(inputs) };
  },
  async update(_id, _olds, news: TriggerResumeInputs) {
    return { outs: await runResume(news) };
  },
};

/**
 * The trigger resumed after the rollout (seed 001: "resume the monitor"), to the replicas the
 * drain found. Depends on the environment, so it runs after the trigger's Deployment.
 */
export class TriggerResume extends pulumi.dynamic.Resource {
  declare readonly resumedAt: pulumi.Output<string>;

  constructor(
    name: string,
    args: { [K in keyof TriggerResumeInputs]: pulumi.Input<TriggerResumeInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(triggerResumeProvider, name, { resumedAt: undefined, ...args }, opts, "kernelci", "TriggerResume");
  }
}
