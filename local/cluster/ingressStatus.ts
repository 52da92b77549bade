import type * as k8s from "@kubernetes/client-node";

/**
 * What an ingress controller does for the local cluster, which has none: publish the address
 * it serves each Ingress on (127.0.0.1) in the Ingress status, as ingress-nginx does on AKS.
 * Pulumi waits for that address before it calls an Ingress ready.
 */
export function unpublished(ingresses: k8s.V1Ingress[]): { namespace: string; name: string }[] {
  return ingresses
    .filter((i) => (i.status?.loadBalancer?.ingress ?? []).length === 0)
    .map((i) => ({ namespace: i.metadata?.namespace as string, name: i.metadata?.name as string }));
}

export async function publishIngressStatus(
  networking: k8s.NetworkingV1Api,
  address: string,
  log: (message: string) => void,
): Promise<void> {
  const { items } = await networking.listIngressForAllNamespaces();
  for (const { namespace, name } of unpublished(items)) {
    const current = await networking.readNamespacedIngressStatus({ namespace, name });
    current.status = { loadBalancer: { ingress: [{ ip: address }] } };
    await networking.replaceNamespacedIngressStatus({ namespace, name, body: current });
    log(`published ${address} for ingress ${namespace}/${name}`);
  }
}
