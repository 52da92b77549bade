import * as k8s from "@kubernetes/client-node";

/** Which cluster to talk to: a kubeconfig file (default: $KUBECONFIG or ~/.kube/config) and a context in it. */
export interface KubeTarget {
  kubeconfig?: string | null;
  context?: string | null;
}

export function describeTarget(target: KubeTarget): string {
  const parts = [
    target.context && `context ${target.context}`,
    target.kubeconfig && `kubeconfig ${target.kubeconfig}`,
  ];
  return parts.filter(Boolean).join(" in ") || "the default kubeconfig";
}

export function loadKubeConfig(target: KubeTarget): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
  else kc.loadFromDefault();
  if (target.context) {
    if (!kc.getContextObject(target.context)) {
      throw new Error(
        `no context "${target.context}" in ${describeTarget({ kubeconfig: target.kubeconfig })}`,
      );
    }
    kc.setCurrentContext(target.context);
  }
  return kc;
}

/** The HTTP status of a failed client-node call (404 for a missing object), if it has one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}
