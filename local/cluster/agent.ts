// The local cluster's stand-ins for what a cloud cluster runs as add-ons (started by
// scripts/cluster): the default StorageClass and its hostPath provisioner, and the ingress
// status an ingress controller would publish. Polls the API server twice a second.
import { parseArgs } from "node:util";
import * as k8s from "@kubernetes/client-node";
import { loadKubeConfig, statusOf } from "../../lib/kubernetes/kubeconfig";
import { reconcileVolumes, storageClass } from "./hostpath";
import { publishIngressStatus } from "./ingressStatus";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    root: { type: "string" },
    "storage-class": { type: "string", default: "local-hostpath" },
    address: { type: "string", default: "127.0.0.1" },
  },
});
if (!values.kubeconfig || !values.root) {
  console.error("usage: cluster-agent --kubeconfig FILE --root DIR [--storage-class NAME] [--address IP]");
  process.exit(2);
}
const root = values.root;
const className = values["storage-class"];
const kc = loadKubeConfig({ kubeconfig: values.kubeconfig });
const core = kc.makeApiClient(k8s.CoreV1Api);
const storage = kc.makeApiClient(k8s.StorageV1Api);
const networking = kc.makeApiClient(k8s.NetworkingV1Api);
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

async function main() {
  try {
    await storage.createStorageClass({ body: storageClass(className) });
    log(`created the default StorageClass ${className}`);
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
  }
  for (;;) {
    await Promise.all([
      reconcileVolumes(core, className, root, log),
      publishIngressStatus(networking, values.address as string, log),
    ]).catch((error) => log(`retrying: ${error instanceof Error ? error.message : String(error)}`));
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

process.on("SIGTERM", () => process.exit(0));
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
