import * as pulumi from "@pulumi/pulumi";
import {
  container,
  deployment,
  fromSecret,
  probe,
  publicService,
  resources,
  secret,
  waitFor,
} from "./workload";

const port = 8000;

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

/** kernelci-api (FastAPI) with its Secret, Service and Ingress. */
export class Api extends pulumi.ComponentResource {
  /** The public URL. */
  readonly url: string;
  /** The URL other pods of the cluster use. */
  readonly internalUrl: pulumi.Output<string>;

  constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:api:Api", name, {}, opts);
    const app = "api";
    const data = args.secrets.apply((s) => ({
      "secret-key": s.secretKey,
      "admin-password": s.adminPassword,
      "mongo-service": s.mongoUri,
      ...(s.smtpPassword ? { "email-password": s.smtpPassword } : {}),
    }));
    const apiSecret = secret(
      `${name}-secret`,
      { namespace: args.namespace, app: `${app}-secret`, data },
      { parent: this },
    );
    const secretName = apiSecret.metadata.name;
    const smtpEnv = args.smtp
      ? [
          { name: "SMTP_HOST", value: args.smtp.host },
          { name: "SMTP_PORT", value: String(args.smtp.port) },
          { name: "EMAIL_SENDER", value: args.smtp.sender },
          fromSecret("EMAIL_PASSWORD", secretName, "email-password"),
        ]
      : [];
    deployment(
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
            command: [
              "uvicorn",
              "api.main:versioned_app",
              "--host",
              "0.0.0.0",
              "--port",
              String(port),
              "--workers",
              "1",
            ],
            env: [
              fromSecret("SECRET_KEY", secretName, "secret-key"),
              fromSecret("MONGO_SERVICE", secretName, "mongo-service"),
              { name: "REDIS_HOST", value: args.redisHost },
              { name: "ALGORITHM", value: "HS256" },
              { name: "ACCESS_TOKEN_EXPIRE_SECONDS", value: String(args.accessTokenExpireSeconds) },
              { name: "KCI_INITIAL_ADMIN_USERNAME", value: args.adminUsername },
              { name: "KCI_INITIAL_ADMIN_EMAIL", value: args.adminEmail },
              fromSecret("KCI_INITIAL_PASSWORD", secretName, "admin-password"),
              ...smtpEnv,
            ],
            ports: [port],
            resources: resources("1Gi", "500m", "2Gi", "1"),
            probe: probe.http(port, "/"),
          }),
        ],
      },
      { parent: this, dependsOn: args.rolloutAfter },
    );
    this.url = publicService(
      name,
      {
        namespace: args.namespace,
        app,
        host: args.host,
        aliases: args.aliases,
        port,
        tlsIssuer: args.tlsIssuer,
        ingressClass: args.ingressClass,
        annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "32m" },
      },
      { parent: this },
    ).url;
    this.internalUrl = pulumi.interpolate`http://${app}.${args.namespace}.svc.cluster.local:${port}`;
    this.registerOutputs({ url: this.url, internalUrl: this.internalUrl });
  }
}
