import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface KubeScaleDouble {
  /** A kubeconfig file for the double (context `double`). */
  kubeconfig: string;
  /** Replicas by `namespace/name`: what the API server holds; tests change it "by hand". */
  deployments: Record<string, number>;
  /** Replicas written through the scale subresource, in order. */
  scales: { deployment: string; replicas: number }[];
  close(): Promise<void>;
}

/**
 * A Kubernetes API server serving only what the drain's scaler calls: a Deployment's scale
 * subresource (read and replace) and the Deployment itself, which observes a new scale at once.
 * Unknown Deployments answer 404 as the API server does.
 */
export async function startKubeScale(deployments: Record<string, number>): Promise<KubeScaleDouble> {
  const scales: KubeScaleDouble["scales"] = [];
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const match = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/.exec(
      req.url ?? "",
    );
    const key = match && `${match[1]}/${match[2]}`;
    if (!match || !key || deployments[key] === undefined) {
      return send(404, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "NotFound",
        code: 404,
      });
    }
    const metadata = { namespace: match[1], name: match[2], generation: 1, resourceVersion: "1" };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "PUT" && match[3]) {
        const replicas = JSON.parse(Buffer.concat(chunks).toString("utf8")).spec.replicas as number;
        deployments[key] = replicas;
        scales.push({ deployment: key, replicas });
      }
      const replicas = deployments[key];
      if (match[3]) {
        return send(200, { apiVersion: "autoscaling/v1", kind: "Scale", metadata, spec: { replicas } });
      }
      const status = { observedGeneration: 1, replicas, readyReplicas: replicas, updatedReplicas: replicas };
      send(200, { apiVersion: "apps/v1", kind: "Deployment", metadata, spec: { replicas }, status });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-kube-"));
  const kubeconfig = path.join(dir, "kubeconfig");
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      // Plain HTTP on the loopback: client-node allows it only with TLS verification off.
      clusters: [{ name: "double", cluster: { server: url, "insecure-skip-tls-verify": true } }],
      users: [{ name: "double", user: { token: "kube-token" } }],
      contexts: [{ name: "double", context: { cluster: "double", user: "double" } }],
      "current-context": "double",
    }),
  );
  return {
    kubeconfig,
    deployments,
    scales,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
