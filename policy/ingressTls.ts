import type { Environment } from "./environment";
import { type CheckedResource, describe } from "./workloads";

/**
 * Outside the local stack (which renders manifests and serves nothing), every host an Ingress
 * routes is listed under its `spec.tls`, so it is only ever served over HTTPS.
 */
export function ingressTls(resource: CheckedResource, environment: Environment): string[] {
  if (environment === "local" || resource.type !== "kubernetes:networking.k8s.io/v1:Ingress") return [];
  const spec = resource.props?.spec ?? {};
  const tls: unknown[] = Array.isArray(spec.tls) ? spec.tls : [];
  if (tls.length === 0) return [`${describe(resource)} has no spec.tls: it would serve plain HTTP`];
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes IngressTLS objects
  const covered = new Set(tls.flatMap((t: any) => (Array.isArray(t?.hosts) ? t.hosts : [])));
  const rules: unknown[] = Array.isArray(spec.rules) ? spec.rules : [];
  return (
    rules
      // biome-ignore lint/suspicious/noExplicitAny: Kubernetes IngressRule objects
      .map((r: any) => r?.host)
      .filter((host): host is string => typeof host === "string" && !covered.has(host))
      .map((host) => `${describe(resource)} routes ${host} without TLS: add it to spec.tls[].hosts`)
  );
}
