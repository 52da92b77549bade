/** A resource as a policy sees it: its Pulumi type, name and (resolved) input properties. */
export interface CheckedResource {
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects of any kind, read defensively
  props: any;
}

export interface PodContainer {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: a Kubernetes Container object
  spec: any;
  init: boolean;
}

const podSpecPaths: Record<string, string[]> = {
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:core/v1:Pod": ["spec"],
};

/** Workloads whose pods keep running (and so need a readiness probe), unlike Jobs. */
export const longRunning = (type: string): boolean => !/^kubernetes:batch\//.test(type);

/** The containers and init containers of a workload's pods; none for other resources. */
export function podContainers(resource: CheckedResource): PodContainer[] {
  const path = podSpecPaths[resource.type];
  if (!path) return [];
  // biome-ignore lint/suspicious/noExplicitAny: walking an untyped object
  const spec = path.reduce<any>((node, key) => node?.[key], resource.props);
  const list = (items: unknown, init: boolean): PodContainer[] =>
    // biome-ignore lint/suspicious/noExplicitAny: Kubernetes Container objects
    Array.isArray(items) ? items.map((c: any) => ({ name: String(c?.name), spec: c, init })) : [];
  return [...list(spec?.initContainers, true), ...list(spec?.containers, false)];
}

/** `kind namespace/name` of a Kubernetes object, for messages. */
export function describe(resource: CheckedResource): string {
  const kind = resource.type.split(":").pop();
  const meta = resource.props?.metadata ?? {};
  const name = meta.name ?? resource.name;
  return `${kind} ${meta.namespace ? `${meta.namespace}/` : ""}${name}`;
}
