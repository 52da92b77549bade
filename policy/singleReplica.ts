import { type CheckedResource, describe } from "./workloads";

/**
 * The API keeps pub/sub subscriptions in process memory and the staging bot owns the deploy
 * queue: a second pod, even for the length of a rolling update, splits that state. They are the
 * Deployments named (or labelled `app.kubernetes.io/name`) `api`, `bot` or `kcibot`, alone or as
 * the last dash-separated word (`kernelci-api`, `staging-bot`).
 */
export const singletonName = /(^|-)(api|bot|kcibot)$/;

export function isSingleton(resource: CheckedResource): boolean {
  if (resource.type !== "kubernetes:apps/v1:Deployment") return false;
  const meta = resource.props?.metadata ?? {};
  const names = [meta.name, meta.labels?.["app.kubernetes.io/name"], resource.name];
  return names.some((n) => typeof n === "string" && singletonName.test(n));
}

/** One replica (an unset count means one), updated with the Recreate strategy. */
export function singleReplicaRecreate(resource: CheckedResource): string[] {
  if (!isSingleton(resource)) return [];
  const violations: string[] = [];
  const replicas = resource.props?.spec?.replicas ?? 1;
  if (replicas !== 1)
    violations.push(`${describe(resource)} runs ${replicas} replicas; it must run exactly 1`);
  const strategy = resource.props?.spec?.strategy?.type ?? "RollingUpdate";
  if (strategy !== "Recreate") {
    violations.push(`${describe(resource)} updates with ${strategy}; it must use the Recreate strategy`);
  }
  return violations;
}
