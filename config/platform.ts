import { z } from "zod";
import { httpUrl } from "./names";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a lowercase DNS label (a-z, 0-9, -)");
const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$/, "expected a Kubernetes quantity like 500m or 8Gi");
const hostname = z.string().regex(/^[a-z0-9.-]+$/, "expected a host name");

/**
 * Where manifests go: a cluster (a kubeconfig file and/or a context in it) or, for manifests
 * only, a directory.
 */
export const kubernetesSchema = z
  .object({
    context: z.string().optional(),
    /** A kubeconfig file (relative to the project); default: $KUBECONFIG or ~/.kube/config. */
    kubeconfig: z.string().min(1).optional(),
    renderDir: z.string().optional(),
    namespaces: z.object({ api: name, pipeline: name, legacy: name }).strict(),
    storageClass: z.string().optional(),
    ingressClass: z.string().default("nginx"),
  })
  .strict()
  .refine((k) => (k.context === undefined && k.kubeconfig === undefined) !== (k.renderDir === undefined), {
    message:
      "set either a cluster (context and/or kubeconfig) or renderDir (render manifests to a directory), not both",
  });

/**
 * One `kci docker build <image> <fragments…> --arch <arch>` of kernelci-core's
 * .github/workflows/docker_images.yml: one image per arch (none: a single image without arch).
 */
const toolchainSchema = z
  .object({
    image: z.string().min(1),
    arches: z.array(z.string().min(1)).default([]),
    fragments: z.array(z.string().min(1)).default([]),
  })
  .strict();

const registry = z
  .string()
  .regex(/^[a-z0-9.:-]+(\/[a-z0-9._-]+)*$/, "expected a registry and namespace like ghcr.io/kernelci");

/** The kernelci images; built from the deployed revision, or existing references on the local stack. */
export const imagesSchema = z
  .object({
    build: z.boolean(),
    /** Every image is pushed to each (kernelci-core pushes to ghcr.io and Docker Hub); the first is deployed. */
    registries: z.array(registry).min(1),
    prefix: z.string(),
    /** One checkout per repository (kernelci-core, kernelci-api, kernelci-pipeline) to build from. */
    sourceDir: z.string().min(1).optional(),
    /** Without build: the reference of each kernelci image; with build: optional, the tag is kci's name. */
    tags: z
      .object({ api: z.string(), pipeline: z.string(), lavaCallback: z.string(), kernelci: z.string() })
      .strict()
      .optional(),
    toolchains: z.array(toolchainSchema).default([]),
  })
  .strict()
  .refine((i) => !i.build || i.sourceDir !== undefined, {
    message: "build: true needs images.sourceDir, the directory holding the checkouts to build from",
    path: ["sourceDir"],
  })
  .refine((i) => i.build || i.tags !== undefined, {
    message: "build: false needs images.tags, the existing reference of each kernelci image",
    path: ["tags"],
  });

export const apiSchema = z
  .object({
    host: hostname,
    tlsIssuer: z.string().min(1),
    adminUsername: z.string().min(1),
    adminEmail: z.email(),
    /** kernelci-api api/config.py: access_token_expire_seconds defaults to 315360000 (ten years). */
    accessTokenExpireSeconds: z.number().int().positive().default(315360000),
    /** Further host names the API answers on (same Ingress, same certificate). */
    aliases: z.array(hostname).default([]),
    smtp: z
      .object({ host: hostname, port: z.number().int().positive(), sender: z.email() })
      .strict()
      .optional(),
    mongo: z
      .discriminatedUnion("mode", [
        z
          .object({
            mode: z.literal("in-cluster"),
            image: z.string().default("mongo:8"),
            size: quantity,
            storageClass: z.string().optional(),
            /** Container requests (and limits): kernelci-api kube/aks/mongo.yaml asks 10Gi and 2 CPUs. */
            requests: z.object({ memory: quantity, cpu: quantity }).strict().optional(),
          })
          .strict(),
        z.object({ mode: z.literal("external") }).strict(),
      ])
      .default({ mode: "in-cluster", image: "mongo:8", size: "10Gi" }),
    redis: z
      .object({ image: z.string().default("redis:6.2"), size: quantity })
      .strict()
      .default({ image: "redis:6.2", size: "1Gi" }),
  })
  .strict();

export const storageSchema = z
  .object({
    host: hostname,
    image: z.string().default("ghcr.io/kernelci/kernelci-storage:latest"),
    driver: z.enum(["local", "azure"]),
    size: quantity.default("50Gi"),
    /** The identity the pipeline uploads as (the `email` claim of its storage token). */
    uploader: z.email().default("pipeline@kernelci.org"),
    /** The account name, key and SAS token are secrets (secrets.storageAzure*). */
    azure: z
      .object({ container: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.driver !== "azure" || s.azure !== undefined, {
    message: "driver azure needs storage.azure.container",
    path: ["azure"],
  });

export const labSchema = z
  .object({
    type: z.enum(["lava"]),
    url: httpUrl,
    priority: z.number().int().min(0).max(100).default(50),
  })
  .strict();

/** A LAVA scheduler: its runtimes by name (`--runtimes`) or by lab type (`--runtime-type`). */
const lavaSchedulerSchema = z
  .object({
    name,
    labs: z.array(z.string().min(1)).min(1).optional(),
    runtimeTypes: z
      .array(z.enum(["lava", "pull_labs"]))
      .min(1)
      .optional(),
  })
  .strict()
  .refine((g) => (g.labs === undefined) !== (g.runtimeTypes === undefined), {
    message: "set exactly one of labs (runtimes by name) or runtimeTypes (every runtime of these lab types)",
  });

/** The trigger's `--trees` value (kernelci-pipeline src/trigger.py): names, or `!names` to exclude. */
export const triggerTrees = z
  .string()
  .regex(
    /^!?[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/,
    "expected tree names separated by commas (only these), or ! and names (all but these)",
  );

export const pipelineSchema = z
  .object({
    callbackHost: hostname,
    /** The trigger's `--trees`: `kernelci` on staging, `!kernelci` on production upstream. */
    trees: triggerTrees,
    /** Entries of `api` / `storage` in the deployed pipeline YAML. */
    apiConfig: z.string().min(1),
    storageConfig: z.string().min(1),
    pollPeriodSeconds: z.number().int().nonnegative().default(3600),
    tarballVolumeSize: quantity.default("50Gi"),
    /** KCI_INSTANCE of the LAVA scheduler (kernelci-core runtime: `prod` or `staging`). */
    instance: z.string().min(1),
    /** The lava-callback Ingress class, when the pipeline has its own controller (production upstream). */
    ingressClass: z.string().min(1).optional(),
    /** job_retry.py: in upstream's docker-compose.yaml (staging), not in its kube/aks (production). */
    jobRetry: z.boolean().default(false),
    schedulers: z
      .object({
        shell: z.boolean().default(true),
        docker: z.boolean().default(false),
        /** One scheduler for every runtime of lab type kubernetes in the pipeline YAML. */
        kubernetes: z.boolean().default(false),
        lava: z.array(lavaSchedulerSchema).default([]),
        /**
         * Build-cluster credentials of the shell and k8s schedulers: a kubeconfig
         * (secrets.buildKubeconfig, optional), or upstream's archive of ~/.kube, ~/.config/gcloud
         * and ~/.azure (secrets.buildCredentials, required).
         */
        credentials: z.enum(["kubeconfig", "archive"]).default("kubeconfig"),
      })
      .strict(),
    kcidb: z
      .object({
        enabled: z.boolean(),
        projectId: z.string().min(1).default("kernelci-production"),
        topicName: z.string().min(1).default("playground_kcidb_new"),
        origin: z.string().min(1).default("maestro"),
      })
      .strict()
      .default({
        enabled: false,
        projectId: "kernelci-production",
        topicName: "playground_kcidb_new",
        origin: "maestro",
      }),
  })
  .strict();

/** Top-level keys of the platform (the services of an environment). */
export const platformSchema = z.object({
  kubernetes: kubernetesSchema,
  images: imagesSchema,
  api: apiSchema,
  storage: storageSchema,
  labs: z.record(name, labSchema).default({}),
  pipeline: pipelineSchema,
});

type Platform = z.infer<typeof platformSchema>;

/** What the cross-section rules read: the platform plus the sections it depends on. */
export interface PlatformWithSecrets extends Platform {
  legacy: { enabled: boolean };
  secrets: Partial<Record<string, string>>;
  labTokens: Record<string, unknown>;
}

/**
 * Rules that span sections (a scheduler names a lab, a lab needs tokens, a mode needs its secret).
 * Each problem names the key to fix.
 */
export function platformRules(config: PlatformWithSecrets, ctx: z.RefinementCtx): void {
  const labs = Object.keys(config.labs);
  config.pipeline.schedulers.lava.forEach((group, i) => {
    group.labs?.forEach((lab, j) => {
      if (!labs.includes(lab)) {
        ctx.addIssue({
          code: "custom",
          path: ["pipeline", "schedulers", "lava", i, "labs", j],
          message: `unknown lab "${lab}" in scheduler group "${group.name}"; configured labs (kernelci:labs): ${labs.join(", ") || "none"}`,
        });
      }
    });
  });
  for (const lab of labs) {
    if (config.labTokens[lab] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["labTokens", lab],
        message: `lab "${lab}" has no tokens; set labTokens.${lab}.token and .callbackToken with --secret`,
      });
    }
  }
  const needSecret = (when: boolean, key: string, why: string) => {
    if (when && config.secrets[key] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", key],
        message: `required: ${why}; set it with --secret`,
      });
    }
  };
  needSecret(config.api.mongo.mode === "external", "mongoUri", "api.mongo.mode is external");
  for (const key of ["storageAzureAccount", "storageAzureKey", "storageAzureSasToken"]) {
    needSecret(config.storage.driver === "azure", key, "storage.driver is azure");
  }
  needSecret(config.api.smtp !== undefined, "smtpPassword", "api.smtp is set");
  needSecret(config.pipeline.kcidb.enabled, "kcidbCredentials", "pipeline.kcidb.enabled is true");
  needSecret(config.pipeline.kcidb.enabled, "kcidbRest", "pipeline.kcidb.enabled is true (KCIDB_REST)");
  const { schedulers } = config.pipeline;
  needSecret(
    schedulers.credentials === "archive" && (schedulers.kubernetes || schedulers.shell),
    "buildCredentials",
    "pipeline.schedulers.credentials is archive (base64 of the .tgz)",
  );
  needSecret(config.legacy.enabled, "jenkinsAdminPassword", "legacy.enabled is true (Jenkins admin)");
}
