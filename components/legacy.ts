import * as pulumi from "@pulumi/pulumi";
import type { LegacyConfig } from "../config/legacy";
import type { LabTokens } from "../config/secrets";
import { Jenkins } from "./jenkins";
import { labTokenFiles } from "./labTokens";
import { Mongo } from "./mongo";
import { Redis } from "./redis";
import { container, deployment, probe, publicService, resources, type Workload } from "./workload";

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

/** The legacy system: kernelci-backend (with its own Mongo and Redis), kernelci-frontend, Jenkins. */
export class LegacySystem extends pulumi.ComponentResource {
  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: LegacyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:legacy:LegacySystem", name, {}, opts);
    const { namespace, config, tlsIssuer, ingressClass, rolloutAfter } = args;
    const parent = { parent: this };
    const mongo = new Mongo(
      `${name}-mongo`,
      { namespace, image: args.images.mongo, size: "20Gi", storageClass: args.storageClass, rolloutAfter },
      parent,
    );
    const redis = new Redis(
      `${name}-redis`,
      { namespace, image: args.images.redis, size: "1Gi", storageClass: args.storageClass, rolloutAfter },
      parent,
    );
    const web = (
      app: string,
      image: pulumi.Input<string>,
      port: number,
      host: string,
      env: { name: string; value: pulumi.Input<string> }[],
    ) => {
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
        { parent: this, dependsOn: rolloutAfter },
      );
      publicService(`${name}-${app}`, { namespace, app, host, port, tlsIssuer, ingressClass }, parent);
      return workload;
    };
    const backend = web("kernelci-backend", args.images.backend, 8888, config.backendHost, [
      { name: "MONGODB_URI", value: mongo.uri },
      { name: "REDIS_HOST", value: redis.host },
    ]);
    const frontend = web("kernelci-frontend", args.images.frontend, 5000, config.frontendHost, [
      { name: "BACKEND_URL", value: `https://${config.backendHost}` },
    ]);
    const jenkins = new Jenkins(
      `${name}-jenkins`,
      {
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
      },
      parent,
    );
    this.workloads = [backend, frontend, ...jenkins.workloads, ...mongo.workloads, ...redis.workloads];
    this.registerOutputs({});
  }
}
