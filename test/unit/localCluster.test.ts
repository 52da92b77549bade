import type * as k8s from "@kubernetes/client-node";
import { scaleObserved } from "../../lib/kernelci/scale";
import { describeTarget } from "../../lib/kubernetes/kubeconfig";
import { planVolumes, provisionedBy, provisionerName, storageClass } from "../../local/cluster/hostpath";
import { unpublished } from "../../local/cluster/ingressStatus";

const claim = (name: string, uid: string, spec: Partial<k8s.V1PersistentVolumeClaimSpec> = {}) =>
  ({
    metadata: { namespace: "kernelci-api", name, uid },
    spec: {
      storageClassName: "local-hostpath",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
      ...spec,
    },
  }) as k8s.V1PersistentVolumeClaim;

describe("the hostPath provisioner's plan", () => {
  it("makes one volume bound to each unbound claim of its class, under its root", () => {
    const plan = planVolumes(
      [claim("mongo-data", "0123456789ab"), claim("other-class", "u2", { storageClassName: "azure-disk" })],
      [],
      "local-hostpath",
      "/work/.local/cluster/volumes",
    );
    expect(plan.release).toEqual([]);
    expect(plan.create).toEqual([
      {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: "pvc-0123456789ab", annotations: { [provisionedBy]: provisionerName } },
        spec: {
          capacity: { storage: "1Gi" },
          accessModes: ["ReadWriteOnce"],
          volumeMode: "Filesystem",
          storageClassName: "local-hostpath",
          persistentVolumeReclaimPolicy: "Delete",
          hostPath: {
            path: "/work/.local/cluster/volumes/kernelci-api-mongo-data-01234567",
            type: "DirectoryOrCreate",
          },
          claimRef: {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            namespace: "kernelci-api",
            name: "mongo-data",
            uid: "0123456789ab",
          },
        },
      },
    ]);
  });

  it("leaves claims already bound or with a volume on the way, and claims being deleted", () => {
    const existing = planVolumes([claim("a", "u1")], [], "local-hostpath", "/v").create;
    const bound = claim("b", "u2", { volumeName: "pvc-u2" });
    const deleting = {
      ...claim("c", "u3"),
      metadata: { ...claim("c", "u3").metadata, deletionTimestamp: new Date() },
    };
    expect(planVolumes([claim("a", "u1"), bound, deleting], existing, "local-hostpath", "/v").create).toEqual(
      [],
    );
  });

  it("releases only its own released volumes whose policy is Delete", () => {
    const volume = (name: string, phase: string, own = true, policy = "Delete") =>
      ({
        metadata: { name, annotations: own ? { [provisionedBy]: provisionerName } : {} },
        spec: { persistentVolumeReclaimPolicy: policy, hostPath: { path: `/v/${name}` } },
        status: { phase },
      }) as k8s.V1PersistentVolume;
    const plan = planVolumes(
      [],
      [
        volume("a", "Released"),
        volume("b", "Bound"),
        volume("c", "Released", false),
        volume("d", "Released", true, "Retain"),
      ],
      "local-hostpath",
      "/v",
    );
    expect(plan.release).toEqual([{ name: "a", dir: "/v/a" }]);
  });

  it("serves a default StorageClass that binds at once", () => {
    expect(storageClass("local-hostpath")).toMatchObject({
      metadata: { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: provisionerName,
      volumeBindingMode: "Immediate",
    });
  });
});

describe("the ingress status publisher", () => {
  it("picks the Ingresses with no address yet", () => {
    const ingress = (name: string, ips: string[]) =>
      ({
        metadata: { namespace: "kernelci-api", name },
        status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } },
      }) as k8s.V1Ingress;
    expect(
      unpublished([
        ingress("api", []),
        ingress("storage", ["127.0.0.1"]),
        { metadata: { namespace: "n", name: "x" } },
      ]),
    ).toEqual([
      { namespace: "kernelci-api", name: "api" },
      { namespace: "n", name: "x" },
    ]);
  });
});

describe("a scale observed", () => {
  const seen = { generation: 4, observedGeneration: 4, replicas: 1, readyReplicas: 1, updatedReplicas: 1 };
  it("needs the new generation observed and every replica ready and updated", () => {
    expect(scaleObserved(seen, 1)).toBe(true);
    expect(scaleObserved({ ...seen, observedGeneration: 3 }, 1)).toBe(false);
    expect(scaleObserved({ ...seen, readyReplicas: 0 }, 1)).toBe(false);
    expect(scaleObserved({ ...seen, updatedReplicas: 0 }, 1)).toBe(false);
    expect(scaleObserved(seen, 0)).toBe(false);
    expect(scaleObserved({ ...seen, replicas: 0, readyReplicas: 0, updatedReplicas: 0 }, 0)).toBe(true);
  });

  it("names the cluster it happens on", () => {
    expect(describeTarget({ context: "aks-kernelci-production" })).toBe("context aks-kernelci-production");
    expect(describeTarget({ kubeconfig: "/k", context: "c" })).toBe("context c in kubeconfig /k");
    expect(describeTarget({})).toBe("the default kubeconfig");
  });
});
