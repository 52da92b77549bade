import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { checksumAnnotations, secretChecksum } from "../pipeline/configChecksum";
import { container, deployment, fromSecret, probe, publicService, resources, secret } from "./workload";

const app = "kcibot";
const port = 8080;
const stateDir = "/var/lib/kcibot";

export interface KcibotArgs {
  namespace: string;
  /** This program's image, pinned (it runs `kci-deploy bot` on the program it carries). */
  image: pulumi.Input<string>;
  host: string;
  tlsIssuer: string;
  ingressClass: string;
  storageSize: string;
  storageClass?: string;
  /** The stack file the bot reads, inside the image (`Pulumi.staging.yaml`). */
  configFile: string;
  backendUrl: string;
  secrets: pulumi.Output<{ webhookSecret: string; githubToken?: string }>;
}

/** The bot's container: its secrets from the Secret, its state on the volume, ready once `/healthz` answers. */
export function kcibotContainer(
  args: KcibotArgs,
  secretName: pulumi.Input<string>,
): k8s.types.input.core.v1.Container {
  return container({
    name: app,
    image: args.image,
    command: ["npx", "kci-deploy", "bot", "--config", args.configFile],
    env: [
      fromSecret("KCI_BOT_WEBHOOK_SECRET", secretName, "webhook-secret"),
      fromSecret("GITHUB_TOKEN", secretName, "github-token"),
      { name: "PULUMI_BACKEND_URL", value: args.backendUrl },
    ],
    ports: [port],
    volumeMounts: [{ name: "state", mountPath: stateDir }],
    resources: resources("512Mi", "250m", "2Gi", "1"),
    probe: probe.http(port, "/healthz"),
    startupSeconds: 30,
  });
}

/**
 * kcibot (seed 003) in the cluster it deploys: one replica with the Recreate strategy (one bot
 * per state, never two engine operations), its state on a volume kept across deletes, a Secret
 * with the webhook secret and the GitHub token, and the webhook and status page over HTTPS.
 */
export class Kcibot extends pulumi.ComponentResource {
  readonly url: string;

  constructor(name: string, args: KcibotArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:bot:Kcibot", name, {}, opts);
    const parent = { parent: this };
    const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: args.namespace } }, parent).metadata
      .name;
    const data = args.secrets.apply(
      (s): Record<string, string> => ({
        "webhook-secret": s.webhookSecret,
        "github-token": s.githubToken ?? "",
      }),
    );
    const secrets = secret(`${name}-secrets`, { namespace, app: `${app}-secrets`, data }, parent);
    const claim = new k8s.core.v1.PersistentVolumeClaim(
      name,
      {
        metadata: { name: `${app}-state`, namespace },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: args.storageClass,
          resources: { requests: { storage: args.storageSize } },
        },
      },
      { parent: this, retainOnDelete: true },
    );
    deployment(
      name,
      {
        namespace,
        app,
        recreate: true,
        podAnnotations: { [checksumAnnotations.secrets]: secretChecksum(data) },
        containers: [kcibotContainer(args, secrets.metadata.name)],
        volumes: [{ name: "state", persistentVolumeClaim: { claimName: claim.metadata.name } }],
      },
      parent,
    );
    this.url = publicService(
      name,
      { namespace, app, host: args.host, port, tlsIssuer: args.tlsIssuer, ingressClass: args.ingressClass },
      parent,
    ).url;
    this.registerOutputs({ url: this.url });
  }
}
