import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LegacyConfig } from "../config/legacy";
import type { LabTokens } from "../config/secrets";
import { Jenkins, type JenkinsArgs } from "./jenkins";
import { labTokenFiles } from "./labTokens";
import { Mongo } from "./mongo";
import { Redis } from "./redis";
import { container, deployment, probe, publicService, resources, type Workload } from "./workload";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface LegacyArgs {
  namespace: pulumi.Input<string>;
  config: LegacyConfig;
  images: {
    backend: pulumi.Input<string>;
    frontend: pulumi.Input<string>;
    jenkins: pulumi.Input<string>;
    mongo: pulumi.Input<string>;
    redis: pulumi.Input<string>;
  };
  labs: string[];
  tlsIssuer: string;
  ingressClass: string;
  storageClass?: string;
  jenkinsAdminPassword: pulumi.Output<string | undefined>;
  labTokens: pulumi.Output<LabTokens>;
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
}

/** One web service of the legacy system (backend, frontend): a Deployment behind HTTPS. */
export function legacyWebService(
  name: string,
  web: { app: string; image: pulumi.Input<string>; port: number; host: string; env: EnvVar[] },
  args: LegacyArgs,
  parent: pulumi.Resource,
): Workload {
  const { app, image, port, host, env } = web;
  const { namespace, tlsIssuer, ingressClass, rolloutAfter } = args;
  const workload = deployment(
    `${name}-${app}`,
    {
      namespace,
      app,
      containers: [
        container({
          name: app,
          image,
          env,
          ports: [port],
          resources: resources("512Mi", "250m", "1Gi", "1"),
          probe: probe.tcp(port),
        }),
      ],
    },
    { parent, dependsOn: rolloutAfter },
  );
  publicService(`${name}-${app}`, { namespace, app, host, port, tlsIssuer, ingressClass }, { parent });
  return workload;
}

/** The legacy Jenkins' settings: configuration as code, the admin password and lab tokens as files. */
export function legacyJenkinsArgs(args: LegacyArgs): JenkinsArgs {
  const { namespace, config, tlsIssuer, ingressClass, rolloutAfter } = args;
  return {
    namespace,
    image: args.images.jenkins,
    host: config.jenkinsHost,
    tlsIssuer,
    ingressClass,
    homeSize: config.jenkinsHomeSize,
    storageClass: args.storageClass,
    casc: {
      url: config.jenkinsUrl ?? `https://${config.jenkinsHost}/`,
      labs: args.labs,
      jobsRepo: config.jenkinsJobsRepo,
      jobsBranch: config.jenkinsJobsBranch,
    },
    secretFiles: pulumi.all([args.jenkinsAdminPassword, args.labTokens]).apply(
      ([password, tokens]): Record<string, string> => ({
        // platformRules requires the password whenever the legacy system is enabled.
        "jenkins-admin-password": password ?? "",
        ...labTokenFiles(tokens),
      }),
    ),
    rolloutAfter,
  };
}

/** The legacy system: kernelci-backend (with its own Mongo and Redis), kernelci-frontend, Jenkins. */
export class LegacySystem extends pulumi.ComponentResource {
  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: LegacyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:legacy:LegacySystem", name, {}, opts);
    const { namespace, config, storageClass, rolloutAfter, images } = args;
    const parent = { parent: this };
    const mongo = new Mongo(
      `${name}-mongo`,
      { namespace, image: images.mongo, size: "20Gi", storageClass, rolloutAfter },
      parent,
    );
    const redis = new Redis(
      `${name}-redis`,
      { namespace, image: images.redis, size: "1Gi", storageClass, rolloutAfter },
      parent,
    );
    const backend = legacyWebService(
      name,
      {
        app: "kernelci-backend",
        image: images.backend,
        port: 8888,
        host: config.backendHost,
        env: [
          { name: "MONGODB_URI", value: mongo.uri },
          { name: "REDIS_HOST", value: redis.host },
        ],
      },
      args,
      this,
    );
    const frontend = legacyWebService(
      name,
      {
        app: "kernelci-frontend",
        image: images.frontend,
        port: 5000,
        host: config.frontendHost,
        env: [{ name: "BACKEND_URL", value: `https://${config.backendHost}` }],
      },
      args,
      this,
    );
    const jenkins = new Jenkins(`${name}-jenkins`, legacyJenkinsArgs(args), parent);
    this.workloads = [backend, frontend, ...jenkins.workloads, ...mongo.workloads, ...redis.workloads];
    this.registerOutputs({});
  }
}
