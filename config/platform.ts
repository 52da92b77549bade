import { z } from "zod";

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a lowercase DNS label (a-z, 0-9, -)");
const quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$/, "expected a Kubernetes quantity like 500m or 8Gi");
const hostname = z.string().regex(/^[a-z0-9.-]+$/, "expected a host name");

/** Where manifests go: a cluster (kubeconfig context) or, on the local stack, a directory. */
export const kubernetesSchema = z
  .object({
    context: z.string().optional(),
    renderDir: z.string().optional(),
    namespaces: z.object({ api: name, pipeline: name, legacy: name }).strict(),
  })
  .strict()
  .refine((k) => (k.context === undefined) !== (k.renderDir === undefined), {
    message: "set exactly one of context (a cluster) or renderDir (render manifests to a directory)",
  });

const toolchainSchema = z
  .object({
    image: z.string().min(1),
    arches: z.array(z.string().min(1)).min(1),
    fragments: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** The kernelci images; built from the deployed revision, or existing tags on the local stack. */
export const imagesSchema = z
  .object({
    build: z.boolean(),
    registry: z.string().min(1),
    prefix: z.string(),
    tags: z
      .object({ api: z.string(), pipeline: z.string(), lavaCallback: z.string(), kernelci: z.string() })
      .strict(),
    toolchains: z.array(toolchainSchema).default([]),
  })
  .strict();

export const apiSchema = z
  .object({
    host: hostname,
    tlsIssuer: z.string().min(1),
    adminUsername: z.string().min(1),
    adminEmail: z.email(),
    accessTokenExpireSeconds: z.number().int().positive().default(3600),
    smtp: z
      .object({ host: hostname, port: z.number().int().positive(), sender: z.email() })
      .strict()
      .optional(),
    mongo: z
      .discriminatedUnion("mode", [
        z
          .object({ mode: z.literal("in-cluster"), size: quantity, storageClass: z.string().optional() })
          .strict(),
        z.object({ mode: z.literal("external") }).strict(),
      ])
      .default({ mode: "in-cluster", size: "10Gi" }),
    redis: z.object({ size: quantity }).strict().default({ size: "1Gi" }),
  })
  .strict();

export const storageSchema = z
  .object({
    host: hostname,
    driver: z.enum(["local", "azure"]),
    size: quantity.default("50Gi"),
    azure: z
      .object({ account: z.string().min(1), container: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => s.driver !== "azure" || s.azure !== undefined, {
    message: "driver azure needs storage.azure.account and storage.azure.container",
    path: ["azure"],
  });

export const labSchema = z
  .object({
    type: z.enum(["lava"]),
    url: z.url(),
    priority: z.number().int().min(0).max(100).default(50),
  })
  .strict();

export const pipelineSchema = z
  .object({
    callbackHost: hostname,
    trees: z.array(z.string().min(1)).min(1),
    tarballVolumeSize: quantity.default("50Gi"),
    schedulers: z
      .object({
        shell: z.boolean().default(true),
        docker: z.boolean().default(false),
        kubernetes: z.array(z.string().min(1)).default([]),
        lava: z.array(z.object({ name, labs: z.array(z.string().min(1)).min(1) }).strict()).default([]),
      })
      .strict(),
    kcidb: z.boolean().default(false),
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
