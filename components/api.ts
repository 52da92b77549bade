import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  container,
  deployment,
  fromSecret,
  probe,
  publicService,
  resources,
  secret,
  type Workload,
  waitFor,
} from "./workload";

const app = "api";
const port = 8000;

/** Where the pods of the cluster reach the API of `namespace`. */
export function apiServiceUrl(namespace: string): string {
  return `http://${app}.${namespace}.svc.cluster.local:${port}`;
}

export interface ApiSecrets {
  secretKey: string;
  adminPassword: string;
  mongoUri: string;
  smtpPassword?: string;
}

export interface ApiArgs {
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  host: string;
  aliases: string[];
  tlsIssuer: string;
  ingressClass: string;
  adminUsername: string;
  adminEmail: string;
  accessTokenExpireSeconds: number;
  smtp?: { host: string; port: number; sender: string };
  redisHost: pulumi.Input<string>;
  secrets: pulumi.Output<ApiSecrets>;
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
}

/** The API container's environment: settings, and the secrets by reference to `secretName`. */
export function apiEnv(args: ApiArgs, secretName: pulumi.Input<string>): k8s.types.input.core.v1.EnvVar[] {
  const smtpEnv = args.smtp
    ? [
        { name: "SMTP_HOST", value: args.smtp.host },
        { name: "SMTP_PORT", value: String(args.smtp.port) },
        { name: "EMAIL_SENDER", value: args.smtp.sender },
        fromSecret("EMAIL_PASSWORD", secretName, "email-password"),
      ]
    : [];
  return [
    fromSecret("SECRET_KEY", secretName, "secret-key"),
    fromSecret("MONGO_SERVICE", secretName, "mongo-service"),
    { name: "REDIS_HOST", value: args.redisHost },
    { name: "ALGORITHM", value: "HS256" },
    { name: "ACCESS_TOKEN_EXPIRE_SECONDS", value: String(args.accessTokenExpireSeconds) },
    { name: "KCI_INITIAL_ADMIN_USERNAME", value: args.adminUsername },
    { name: "KCI_INITIAL_ADMIN_EMAIL", value: args.adminEmail },
    fromSecret("KCI_INITIAL_PASSWORD", secretName, "admin-password"),
    ...smtpEnv,
  ];
}

/** The API's Secret: its signing key, admin password, Mongo URI and SMTP password. */
export function apiSecret(
  name: string,
  args: ApiArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  const data = args.secrets.apply((s) => ({
    "secret-key": s.secretKey,
    "admin-password": s.adminPassword,
    "mongo-service": s.mongoUri,
    ...(s.smtpPassword ? { "email-password": s.smtpPassword } : {}),
  }));
  return secret(`${name}-secret`, { namespace: args.namespace, app: `${app}-secret`, data }, opts);
}

/** kernelci-api (FastAPI) with its Secret, Service and Ingress. */
export class Api extends pulumi.ComponentResource {
  /** The public URL. */
  readonly url: string;
  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:api:Api", name, {}, opts);
    const secretName = apiSecret(name, args, { parent: this }).metadata.name;
    const command = ["uvicorn", "api.main:versioned_app", "--host", "0.0.0.0", "--port", String(port)];
    const workload = deployment(
      name,
      {
        namespace: args.namespace,
        app,
        // The API keeps pub/sub subscriptions in process memory: a second replica or worker would
        // hold a different set and subscribers would miss events. Hence one replica, one worker,
        // and Recreate so that an update never runs two pods side by side.
        recreate: true,
        initContainers: [waitFor("redis", args.image, pulumi.interpolate`tcp://${args.redisHost}:6379`)],
        containers: [
          container({
            name: app,
            image: args.image,
            command: [...command, "--workers", "1"],
            env: apiEnv(args, secretName),
            ports: [port],
            resources: resources("1Gi", "500m", "2Gi", "1"),
            probe: probe.http(port, "/"),
          }),
        ],
      },
      { parent: this, dependsOn: args.rolloutAfter },
    );
    const { namespace, host, tlsIssuer, ingressClass } = args;
    const annotations = { "nginx.ingress.kubernetes.io/proxy-body-size": "32m" };
    this.url = publicService(
      name,
      { namespace, app, host, aliases: args.aliases, port, tlsIssuer, ingressClass, annotations },
      { parent: this },
    ).url;
    this.workloads = [workload];
    this.registerOutputs({ url: this.url });
  }
}
