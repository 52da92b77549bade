import * as k8s from "@kubernetes/client-node";
import { describeTarget, type KubeTarget, loadKubeConfig, statusOf } from "../kubernetes/kubeconfig";
import { type PollPolicy, pollUntil } from "../poll";

/** Scales a Deployment; the drain pauses the trigger with it. */
export interface DeploymentScaler {
  /**
   * Sets the replicas and waits until the Deployment has observed them (replicas and ready
   * replicas); returns the previous count, or null when the Deployment does not exist yet.
   */
  scale(namespace: string, name: string, replicas: number): Promise<number | null>;
  /** The replicas asked for now (null: no such Deployment). */
  replicas(namespace: string, name: string): Promise<number | null>;
  /** Where the operations go, for messages (a kube context or kubeconfig). */
  readonly target: string;
}

export interface ScaleObservation {
  generation: number;
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
}

/** Pure: whether a Deployment has settled at `wanted` replicas (all of them ready). */
export function scaleObserved(o: ScaleObservation, wanted: number): boolean {
  return (
    o.observedGeneration >= o.generation &&
    o.replicas === wanted &&
    o.readyReplicas === wanted &&
    o.updatedReplicas === wanted
  );
}

function observe(d: k8s.V1Deployment): ScaleObservation {
  return {
    generation: d.metadata?.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    replicas: d.status?.replicas ?? 0,
    readyReplicas: d.status?.readyReplicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
  };
}

const settle: PollPolicy = { initialMs: 200, maxMs: 2_000, factor: 1.5, timeoutMs: 5 * 60_000 };

/** Scales through the Kubernetes API (the scale subresource), as `kubectl scale` does. */
export function kubernetesScaler(cluster: KubeTarget, policy: PollPolicy = settle): DeploymentScaler {
  const apps = loadKubeConfig(cluster).makeApiClient(k8s.AppsV1Api);
  const target = describeTarget(cluster);
  const orNull = <T>(error: unknown): T | null => {
    if (statusOf(error) === 404) return null;
    throw error;
  };
  return {
    target,
    async replicas(namespace, name) {
      const scale = await apps.readNamespacedDeploymentScale({ namespace, name }).catch(orNull<k8s.V1Scale>);
      return scale === null ? null : (scale.spec?.replicas ?? 0);
    },
    async scale(namespace, name, replicas) {
      const scale = await apps.readNamespacedDeploymentScale({ namespace, name }).catch(orNull<k8s.V1Scale>);
      if (scale === null) return null;
      const previous = scale.spec?.replicas ?? 0;
      // The resourceVersion read makes this a compare-and-swap: a concurrent change fails it.
      await apps.replaceNamespacedDeploymentScale({
        namespace,
        name,
        body: { ...scale, spec: { ...scale.spec, replicas } },
      });
      await pollUntil<null, ScaleObservation>(
        async () => {
          const seen = observe(await apps.readNamespacedDeployment({ namespace, name }));
          return scaleObserved(seen, replicas) ? { done: true, value: null } : { done: false, status: seen };
        },
        policy,
        (last, ms) =>
          `Deployment ${namespace}/${name} (${target}) did not settle at ${replicas} replica(s) within ${Math.round(ms / 1000)} s: ` +
          `${last.replicas} replica(s), ${last.readyReplicas} ready, ${last.updatedReplicas} updated`,
      );
      return previous;
    },
  };
}

/** The cluster whose Deployment is scaled (kubeconfig file and context; no credentials). */
export type ScalerSpec = { kubeconfig: string | null; context: string | null };

/** The scaler a spec names (the drain pauses with it, the resume restores with it). */
export function scalerFor(spec: ScalerSpec): DeploymentScaler {
  return kubernetesScaler(spec);
}
