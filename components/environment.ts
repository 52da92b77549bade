import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../config/load";
import { renderKernelciToml } from "../pipeline/kernelciToml";
import { withPushedBranches } from "../pipeline/pipeCleanerTree";
import { Pipeline } from "../pipeline/pipeline";
import { checkSettingsNames } from "../pipeline/pipelineYaml";
import { pipelineServices, secretKeys } from "../pipeline/services";
import { Api } from "./api";
import type { ImageOutput, Images } from "./images";
import { LegacySystem } from "./legacy";
import { Mongo } from "./mongo";
import { Redis } from "./redis";
import { Storage, storageToken } from "./storage";

export interface EnvironmentArgs {
  config: LoadedConfig;
  provider: k8s.Provider;
  /** kernelci-pipeline's config/ directory at the deployed revision: file name -> content. */
  pipelineConfigFiles: pulumi.Input<Record<string, string>>;
  /** The images to run, built (or named) before anything rolls out. */
  images: Images;
  /** What must be done before any Deployment or StatefulSet changes (drain, staging branches). */
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
}

export interface DeployedService {
  name: string;
  namespace: string;
  image: string;
}

/** One whole KernelCI environment (API, storage, pipeline, legacy system) from one stack's configuration. */
export class KernelciEnvironment extends pulumi.ComponentResource {
  /** The trigger Deployment: updated after everything else. */
  readonly trigger: k8s.apps.v1.Deployment;
  readonly apiUrl: string;
  readonly callbackUrl: string | undefined;
  readonly namespaces: Record<string, string>;
  readonly images: pulumi.Output<Record<string, ImageOutput>>;
  readonly services: pulumi.Output<DeployedService[]>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:environment:Environment", name, {}, { ...opts, providers: [args.provider] });
    const { config, rolloutAfter } = args;
    const parent = { parent: this };
    const { kubernetes, api, storage, pipeline, legacy, secrets, labTokens, procedure } = config;
    const namespace = (key: "api" | "pipeline" | "legacy") => {
      const ns = kubernetes.namespaces[key];
      return new k8s.core.v1.Namespace(ns, { metadata: { name: ns } }, parent).metadata.name;
    };
    const apiNs = namespace("api");
    const pipelineNs = namespace("pipeline");

    const { images } = args;
    const ref = images.refs;
    const storageClass = kubernetes.storageClass;
    const web = { tlsIssuer: api.tlsIssuer, ingressClass: kubernetes.ingressClass };

    const redis = new Redis(
      `${name}-redis`,
      { namespace: apiNs, image: ref.redis, size: api.redis.size, storageClass, rolloutAfter },
      parent,
    );
    const mongo =
      api.mongo.mode === "in-cluster"
        ? new Mongo(
            `${name}-mongo`,
            {
              namespace: apiNs,
              image: ref.mongo,
              size: api.mongo.size,
              storageClass: api.mongo.storageClass ?? storageClass,
              requests: api.mongo.requests,
              rolloutAfter,
            },
            parent,
          )
        : undefined;
    const kernelciApi = new Api(
      `${name}-api`,
      {
        namespace: apiNs,
        image: ref.api,
        host: api.host,
        aliases: api.aliases,
        ...web,
        adminUsername: api.adminUsername,
        adminEmail: api.adminEmail,
        accessTokenExpireSeconds: api.accessTokenExpireSeconds,
        smtp: api.smtp,
        redisHost: redis.host,
        secrets: pulumi.all([secrets, mongo?.uri]).apply(([s, inCluster]) => ({
          secretKey: s.apiSecretKey,
          adminPassword: s.adminPassword,
          // platformRules requires mongoUri when Mongo is external.
          mongoUri: inCluster ?? s.mongoUri ?? "",
          smtpPassword: s.smtpPassword,
        })),
        rolloutAfter,
      },
      parent,
    );
    const storageService = new Storage(
      `${name}-storage`,
      {
        namespace: apiNs,
        image: ref.storage,
        host: storage.host,
        ...web,
        size: storage.size,
        storageClass,
        settings: secrets.apply((s) => ({
          driver: storage.driver,
          jwtSecret: s.storageJwtSecret,
          uploader: storage.uploader,
          azure: storage.azure && {
            ...storage.azure,
            // platformRules requires the three when the driver is azure.
            account: s.storageAzureAccount ?? "",
            key: s.storageAzureKey ?? "",
            sasToken: s.storageAzureSasToken ?? "",
          },
        })),
        rolloutAfter,
      },
      parent,
    );

    const apiInternalUrl = `http://api.${kubernetes.namespaces.api}.svc.cluster.local:8000`;
    const services = pipelineServices({
      trees: pipeline.trees,
      tarballVolumeSize: pipeline.tarballVolumeSize,
      callbackHost: pipeline.callbackHost,
      apiUrl: apiInternalUrl,
      instance: pipeline.instance,
      jobRetry: pipeline.jobRetry,
      schedulers: pipeline.schedulers,
      kcidb: pipeline.kcidb.enabled,
    });
    // The kernel test revisions this program pushes must be branches the trigger checks out.
    const kernel = procedure.kernel;
    const configFiles = pulumi.output(args.pipelineConfigFiles).apply((files) => {
      checkSettingsNames(files, pipeline);
      return kernel
        ? withPushedBranches(files, {
            tree: kernel.apiTree,
            url: kernel.remote,
            branches: kernel.trees.map((tree) => `${kernel.branchPrefix}${tree.name}`),
          })
        : files;
    });
    const pipelineComponent = new Pipeline(
      `${name}-pipeline`,
      {
        namespace: pipelineNs,
        services,
        images: { pipeline: ref.pipeline, lavaCallback: ref.lavaCallback },
        configFiles,
        secretData: pulumi.all([secrets, labTokens]).apply(
          ([s, tokens]): Record<string, string> => ({
            [secretKeys.settings]: renderKernelciToml({
              apiConfig: pipeline.apiConfig,
              storageConfig: pipeline.storageConfig,
              pollPeriodSeconds: pipeline.pollPeriodSeconds,
              storageToken: storageToken(s.storageJwtSecret, storage.uploader),
              labTokens: tokens,
              kcidb: pipeline.kcidb.enabled ? pipeline.kcidb : undefined,
              imagePrefix: config.images.prefix,
              jwtSecret: s.pipelineJwtSecret,
            }),
            ...(s.kcidbCredentials ? { [secretKeys.kcidbCredentials]: s.kcidbCredentials } : {}),
            ...(s.kcidbRest ? { [secretKeys.kcidbRest]: s.kcidbRest } : {}),
            ...(s.sshKey ? { [secretKeys.sshKey]: s.sshKey } : {}),
            ...(s.buildKubeconfig ? { [secretKeys.kubeconfig]: s.buildKubeconfig } : {}),
          }),
        ),
        apiToken: secrets.apply((s) => s.apiToken),
        credentialsArchive: secrets.apply((s) => s.buildCredentials),
        apiUrl: apiInternalUrl,
        ...web,
        ingressClass: pipeline.ingressClass ?? kubernetes.ingressClass,
        storageClass,
        rolloutAfter,
        triggerAfter: [redis, kernelciApi, storageService, ...(mongo ? [mongo] : [])],
      },
      parent,
    );

    const deployed: { name: string; namespace: string; image: pulumi.Input<string> }[] = [
      { name: "api", namespace: kubernetes.namespaces.api, image: ref.api },
      { name: "redis", namespace: kubernetes.namespaces.api, image: ref.redis },
      { name: "kernelci-storage", namespace: kubernetes.namespaces.api, image: ref.storage },
      ...(mongo ? [{ name: "mongo", namespace: kubernetes.namespaces.api, image: ref.mongo }] : []),
      ...services.map((s) => ({
        name: s.name,
        namespace: kubernetes.namespaces.pipeline,
        image: ref[s.image],
      })),
    ];
    if (legacy.enabled) {
      const legacyNs = namespace("legacy");
      new LegacySystem(
        `${name}-legacy`,
        {
          namespace: legacyNs,
          config: legacy,
          images: {
            backend: ref.backend,
            frontend: ref.frontend,
            jenkins: ref.jenkins,
            mongo: ref.mongo,
            redis: ref.redis,
          },
          labs: Object.keys(config.labs),
          ...web,
          storageClass,
          jenkinsAdminPassword: secrets.apply((s) => s.jenkinsAdminPassword),
          labTokens,
          rolloutAfter,
        },
        parent,
      );
      const legacyServices = {
        "kernelci-backend": ref.backend,
        "kernelci-frontend": ref.frontend,
        jenkins: ref.jenkins,
        mongo: ref.mongo,
        redis: ref.redis,
      };
      for (const [service, image] of Object.entries(legacyServices)) {
        deployed.push({ name: service, namespace: kubernetes.namespaces.legacy, image });
      }
    }

    this.trigger = pipelineComponent.trigger;
    this.apiUrl = kernelciApi.url;
    this.callbackUrl = pipelineComponent.callbackUrl;
    this.namespaces = Object.fromEntries(
      Object.entries(kubernetes.namespaces).filter(([key]) => key !== "legacy" || legacy.enabled),
    );
    this.images = images.outputs;
    this.services = pulumi
      .all(deployed.map((d) => pulumi.all([d.name, d.namespace, d.image])))
      .apply((rows) => rows.map(([service, ns, image]) => ({ name: service, namespace: ns, image })));
    this.registerOutputs({
      apiUrl: this.apiUrl,
      callbackUrl: this.callbackUrl,
      namespaces: this.namespaces,
      images: this.images,
      services: this.services,
    });
  }
}
