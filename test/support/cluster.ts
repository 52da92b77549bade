import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { repoRoot } from "./engine";

export interface TestCluster {
  kubeconfig: string;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  objects: k8s.KubernetesObjectApi;
  config: k8s.KubeConfig;
  stop(): void;
}

/**
 * A control plane of this test file's own (scripts/cluster with its state under `dir`), or the
 * cluster KCI_LOCAL_KUBECONFIG names, left running on stop.
 */
export function startCluster(dir: string): TestCluster {
  const external = process.env.KCI_LOCAL_KUBECONFIG;
  const env = { ...process.env, KCI_CLUSTER_DIR: path.join(dir, "cluster") };
  const script = path.join(repoRoot, "scripts/cluster");
  if (!external) execFileSync(script, ["start"], { env, stdio: ["ignore", "inherit", "inherit"] });
  const kubeconfig = external ?? path.join(dir, "cluster", "kubeconfig");
  if (!fs.existsSync(kubeconfig)) throw new Error(`no kubeconfig at ${kubeconfig}`);
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfig);
  return {
    kubeconfig,
    config,
    core: config.makeApiClient(k8s.CoreV1Api),
    apps: config.makeApiClient(k8s.AppsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    stop: () => {
      if (!external) execFileSync(script, ["stop"], { env, stdio: ["ignore", "inherit", "inherit"] });
    },
  };
}

/** Deployments of `namespaces` that are not available with every replica updated and ready. */
export async function unavailableDeployments(cluster: TestCluster, namespaces: string[]): Promise<string[]> {
  const lists = await Promise.all(
    namespaces.map((namespace) => cluster.apps.listNamespacedDeployment({ namespace })),
  );
  return lists
    .flatMap((l) => l.items)
    .filter((d) => {
      const s = d.status ?? {};
      const available = s.conditions?.some((c) => c.type === "Available" && c.status === "True");
      const wanted = d.spec?.replicas ?? 1;
      return !available || s.readyReplicas !== wanted || s.updatedReplicas !== wanted;
    })
    .map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`);
}

/** Pod UIDs by the Deployment that owns them (through its ReplicaSet), in `namespaces`. */
export async function podsByDeployment(
  cluster: TestCluster,
  namespaces: string[],
): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const namespace of namespaces) {
    const [pods, sets] = await Promise.all([
      cluster.core.listNamespacedPod({ namespace }),
      cluster.apps.listNamespacedReplicaSet({ namespace }),
    ]);
    const owner = new Map(
      sets.items.map((rs) => [
        rs.metadata?.name,
        rs.metadata?.ownerReferences?.find((o) => o.kind === "Deployment")?.name,
      ]),
    );
    for (const pod of pods.items) {
      const rs = pod.metadata?.ownerReferences?.find((o) => o.kind === "ReplicaSet")?.name;
      const deployment = owner.get(rs);
      if (!deployment || pod.metadata?.deletionTimestamp) continue;
      const key = `${namespace}/${deployment}`;
      result[key] = [...(result[key] ?? []), pod.metadata?.uid as string].sort();
    }
  }
  return result;
}
