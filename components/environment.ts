import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../config/load";
import { renderKernelciToml } from "../pipeline/kernelciToml";
import { withPushedBranches } from "../pipeline/pipeCleanerTree";
import { Pipeline } from "../pipeline/pipeline";
import { checkSettingsNames } from "../pipeline/pipelineYaml";
import { pipelineServices, secretKeys } from "../pipeline/services";
import { Api, apiServiceUrl } from "./api";
import type { ImageOutput, Images } from "./images";
import { LegacySystem } from "./legacy";
import { Mongo } from "./mongo";
import { Redis } from "./redis";
import { Storage, storageToken } from "./storage";
import { type DeployedService, deployedServices } from "./workload";

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

type Parent = { parent: pulumi.Resource };

/** The API side: Redis, Mongo (when in the cluster), the API and the storage service. */
export interface ApiSide {
  redis: Redis;
  mongo?: Mongo;
  api: Api;
  storage: Storage;
}

const webSettings = (config: LoadedConfig) => ({
  tlsIssuer: config.api.tlsIssuer,
  ingressClass: config.kubernetes.ingressClass,
});

/** Redis, and Mongo when it runs in the cluster. */
export function createDatabases(
  name: string,
  args: EnvironmentArgs,
  namespace: pulumi.Output<string>,
  opts: Parent,
): Pick<ApiSide, "redis" | "mongo"> {
  const { config, rolloutAfter } = args;
  const { api, kubernetes } = config;
  const ref = args.images.refs;
  const storageClass = kubernetes.storageClass;
  const redis = new Redis(
    `${name}-redis`,
    { namespace, image: ref.redis, size: api.redis.size, storageClass, rolloutAfter },
    opts,
  );
  if (api.mongo.mode !== "in-cluster") return { redis };
  const mongoArgs = {
    size: api.mongo.size,
    storageClass: api.mongo.storageClass ?? storageClass,
    requests: api.mongo.requests,
  };
  const mongo = new Mongo(`${name}-mongo`, { namespace, image: ref.mongo, ...mongoArgs, rolloutAfter }, opts);
  return { redis, mongo };
}

/** The storage service's settings: the configured driver with its secrets. */
function storageSettings(config: LoadedConfig) {
  const { storage } = config;
  return config.secrets.apply((s) => ({
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
  }));
}

export function createApiSide(
  name: string,
  args: EnvironmentArgs,
  namespace: pulumi.Output<string>,
  opts: Parent,
): ApiSide {
  const { config, rolloutAfter } = args;
  const { api, storage, secrets, kubernetes } = config;
  const ref = args.images.refs;
  const { redis, mongo } = createDatabases(name, args, namespace, opts);
  const kernelciApi = new Api(
    `${name}-api`,
    {
      namespace,
      image: ref.api,
      host: api.host,
      aliases: api.aliases,
      ...webSettings(config),
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
    opts,
  );
  const storageService = new Storage(
    `${name}-storage`,
    {
      namespace,
      image: ref.storage,
      host: storage.host,
      ...webSettings(config),
      size: storage.size,
      storageClass: kubernetes.storageClass,
      settings: storageSettings(config),
      rolloutAfter,
    },
    opts,
  );
  return { redis, mongo, api: kernelciApi, storage: storageService };
}

/** The pipeline Secret's content: kernelci.toml, KCIDB, SSH and build credentials. */
export function pipelineSecretData(config: LoadedConfig): pulumi.Output<Record<string, string>> {
  const { pipeline, storage } = config;
  return pulumi.all([config.secrets, config.labTokens]).apply(
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
  );
}

/**
 * The deployed kernelci-pipeline config/: kernelci.toml's names must be entries of it, and the
 * kernel test revisions this program pushes must be branches the trigger checks out.
 */
export function deployedPipelineConfig(config: LoadedConfig, files: pulumi.Input<Record<string, string>>) {
  const { pipeline } = config;
  const kernel = config.procedure.kernel;
  return pulumi.output(files).apply((all) => {
    checkSettingsNames(all, pipeline);
    return kernel
      ? withPushedBranches(all, {
          tree: kernel.apiTree,
          url: kernel.remote,
          branches: kernel.trees.map((tree) => `${kernel.branchPrefix}${tree.name}`),
        })
      : all;
  });
}

/** The pipeline services, their trigger waiting for the whole API side. */
export function createPipelineServices(
  name: string,
  args: EnvironmentArgs,
  namespace: pulumi.Output<string>,
  apiSide: ApiSide,
  opts: Parent,
): Pipeline {
  const { config, rolloutAfter } = args;
  const { pipeline, kubernetes } = config;
  const apiUrl = apiServiceUrl(kubernetes.namespaces.api);
  const ref = args.images.refs;
  return new Pipeline(
    `${name}-pipeline`,
    {
      namespace,
      services: pipelineServices({
        trees: pipeline.trees,
        tarballVolumeSize: pipeline.tarballVolumeSize,
        callbackHost: pipeline.callbackHost,
        apiUrl,
        instance: pipeline.instance,
        jobRetry: pipeline.jobRetry,
        schedulers: pipeline.schedulers,
        kcidb: pipeline.kcidb.enabled,
      }),
      images: { pipeline: ref.pipeline, lavaCallback: ref.lavaCallback },
      configFiles: deployedPipelineConfig(config, args.pipelineConfigFiles),
      secretData: pipelineSecretData(config),
      apiToken: config.secrets.apply((s) => s.apiToken),
      credentialsArchive: config.secrets.apply((s) => s.buildCredentials),
      apiUrl,
      ...webSettings(config),
      ingressClass: pipeline.ingressClass ?? kubernetes.ingressClass,
      storageClass: kubernetes.storageClass,
      rolloutAfter,
      triggerAfter: [apiSide.redis, apiSide.api, apiSide.storage, ...(apiSide.mongo ? [apiSide.mongo] : [])],
    },
    opts,
  );
}

/** The legacy system, for a configuration that enables it. */
export function createLegacy(
  name: string,
  args: EnvironmentArgs,
  legacy: Extract<LoadedConfig["legacy"], { enabled: true }>,
  namespace: pulumi.Output<string>,
  opts: Parent,
): LegacySystem {
  const { config } = args;
  const ref = args.images.refs;
  return new LegacySystem(
    `${name}-legacy`,
    {
      namespace,
      config: legacy,
      images: {
        backend: ref.backend,
        frontend: ref.frontend,
        jenkins: ref.jenkins,
        mongo: ref.mongo,
        redis: ref.redis,
      },
      labs: Object.keys(config.labs),
      ...webSettings(config),
      storageClass: config.kubernetes.storageClass,
      jenkinsAdminPassword: config.secrets.apply((s) => s.jenkinsAdminPassword),
      labTokens: config.labTokens,
      rolloutAfter: args.rolloutAfter,
    },
    opts,
  );
}

/** The namespaces the environment uses (the legacy one only when the legacy system is on). */
export function activeNamespaces(config: LoadedConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.kubernetes.namespaces).filter(([key]) => key !== "legacy" || config.legacy.enabled),
  );
}

/** One whole KernelCI environment (API, storage, pipeline, legacy system) from one stack's configuration. */
export class KernelciEnvironment extends pulumi.ComponentResource {
  readonly apiUrl: string;
  readonly callbackUrl: string | undefined;
  readonly namespaces: Record<string, string>;
  readonly images: pulumi.Output<Record<string, ImageOutput>>;
  readonly services: pulumi.Output<DeployedService[]>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:environment:Environment", name, {}, { ...opts, providers: [args.provider] });
    const parent = { parent: this };
    const namespace = (key: "api" | "pipeline" | "legacy") => {
      const ns = args.config.kubernetes.namespaces[key];
      return new k8s.core.v1.Namespace(ns, { metadata: { name: ns } }, parent).metadata.name;
    };
    const apiNamespace = namespace("api");
    const pipelineNamespace = namespace("pipeline");
    const apiSide = createApiSide(name, args, apiNamespace, parent);
    const pipeline = createPipelineServices(name, args, pipelineNamespace, apiSide, parent);
    const { legacy: legacyConfig } = args.config;
    const legacy = legacyConfig.enabled
      ? createLegacy(name, args, legacyConfig, namespace("legacy"), parent)
      : undefined;
    const { redis, mongo, api, storage } = apiSide;
    this.apiUrl = api.url;
    this.callbackUrl = pipeline.callbackUrl;
    this.namespaces = activeNamespaces(args.config);
    this.images = args.images.outputs;
    this.services = deployedServices(
      [api, redis, storage, mongo, pipeline, legacy].flatMap((part) => part?.workloads ?? []),
    );
    this.registerOutputs({
      apiUrl: this.apiUrl,
      callbackUrl: this.callbackUrl,
      namespaces: this.namespaces,
      images: this.images,
      services: this.services,
    });
  }
}
