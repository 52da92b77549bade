import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

/** Scales a Deployment; the drain pauses the trigger with it. */
export interface DeploymentScaler {
  /** Sets the replicas; returns the previous count, or null when the Deployment does not exist yet. */
  scale(namespace: string, name: string, replicas: number): Promise<number | null>;
  /** Where the operation went, for messages (a kube context, or a log file). */
  readonly target: string;
}

const run = promisify(execFile);

/**
 * The real one: `kubectl scale` against the stack's kubeconfig context (staging, production).
 * Not exercised by the tests here (no cluster); the command is what the legacy scripts ran.
 */
export function kubectlScaler(context: string): DeploymentScaler {
  const kubectl = async (args: string[]) =>
    run("kubectl", ["--context", context, ...args], { timeout: 60_000 }).catch(
      (error: { stderr?: string }) => {
        if (/NotFound|not found/.test(error.stderr ?? "")) return null;
        throw new Error(
          `kubectl --context ${context} ${args.join(" ")} failed: ${error.stderr ?? String(error)}`,
        );
      },
    );
  return {
    target: `kube context ${context}`,
    async scale(namespace, name, replicas) {
      const current = await kubectl([
        "-n",
        namespace,
        "get",
        "deployment",
        name,
        "-o",
        "jsonpath={.spec.replicas}",
      ]);
      if (current === null) return null;
      await kubectl(["-n", namespace, "scale", `deployment/${name}`, `--replicas=${replicas}`]);
      return Number(current.stdout || "0");
    },
  };
}

/**
 * The local stack renders manifests instead of applying them, so there is no Deployment to
 * scale: this adapter records each operation as a JSON line in `file`, and reports the
 * replicas it recorded last (1 before any record, as rendered).
 */
export function recordingScaler(file: string): DeploymentScaler {
  return {
    target: `recorded in ${file} (rendered manifests, no cluster)`,
    async scale(namespace, name, replicas) {
      const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
      const mine = lines
        .map((l) => JSON.parse(l) as { namespace: string; name: string; replicas: number })
        .filter((r) => r.namespace === namespace && r.name === name);
      const previous = mine.length > 0 ? mine[mine.length - 1].replicas : 1;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(
        file,
        `${JSON.stringify({ namespace, name, replicas, at: new Date().toISOString() })}\n`,
      );
      return previous;
    },
  };
}

/** How a Deployment is scaled: kubectl on a cluster, or recorded (the local stack renders only). */
export type ScalerSpec = { kind: "kubectl"; context: string } | { kind: "record"; file: string };

/** The scaler a spec names (the drain pauses with it, the resume restores with it). */
export function scalerFor(spec: ScalerSpec): DeploymentScaler {
  return spec.kind === "kubectl" ? kubectlScaler(spec.context) : recordingScaler(spec.file);
}
