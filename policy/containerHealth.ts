import { type CheckedResource, describe, longRunning, podContainers } from "./workloads";

const quantities = ["cpu", "memory"] as const;

/**
 * Every container states what it needs and may use (requests and limits of cpu and memory),
 * so the scheduler places it and a leak cannot starve its neighbours; every container of a
 * long-running workload has a readiness probe, so a rollout waits for it to serve. Init
 * containers may not have probes (Kubernetes rejects them); Jobs have no readiness to wait for.
 */
export function containerHealth(resource: CheckedResource): string[] {
  const violations: string[] = [];
  for (const c of podContainers(resource)) {
    const where = `${describe(resource)}: ${c.init ? "init container" : "container"} "${c.name}"`;
    for (const kind of ["requests", "limits"] as const) {
      const missing = quantities.filter((q) => !c.spec?.resources?.[kind]?.[q]);
      if (missing.length) violations.push(`${where} has no resources.${kind}.${missing.join(" or ")}`);
    }
    if (!c.init && longRunning(resource.type) && !c.spec?.readinessProbe) {
      violations.push(`${where} has no readinessProbe`);
    }
  }
  return violations;
}
