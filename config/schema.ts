import { z } from "zod";
import { triggerWatches } from "../pipeline/pipeCleanerTree";
import { botRules, botSchema } from "./bot";
import { githubSchema } from "./github";
import { legacySchema } from "./legacy";
import { platformRules, platformSchema } from "./platform";
import { procedureSchema } from "./procedure";
import { releaseSchema } from "./release";
import { secretsSchema } from "./secrets";
import { stagingSchema } from "./staging";

/**
 * One schema for every stack (local, staging, production). Each section lives in its own file;
 * cross-section rules are checked here so that every problem is reported at once.
 */
export const stackConfigSchema = z
  .object({
    environment: z.enum(["local", "staging", "production"]),
    ...platformSchema.shape,
    legacy: legacySchema,
    staging: stagingSchema.optional(),
    procedure: procedureSchema,
    bot: botSchema.optional(),
    release: releaseSchema.optional(),
    github: githubSchema.optional(),
    ...secretsSchema.shape,
  })
  .strict()
  .superRefine(platformRules)
  .superRefine(botRules)
  .superRefine((c, ctx) => {
    if (c.staging?.forge.kind === "github" && c.secrets.githubToken === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", "githubToken"],
        message: "required: staging.forge is github (listing PRs, pushing staging branches)",
      });
    }
    if (c.procedure.drain.enabled && c.kubernetes.renderDir !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["procedure", "drain", "enabled"],
        message: "needs a cluster to scale the trigger in; kubernetes.renderDir only renders manifests",
      });
    }
    const kernel = c.procedure.kernel;
    if (kernel && !triggerWatches(c.pipeline.trees, kernel.apiTree)) {
      ctx.addIssue({
        code: "custom",
        path: ["procedure", "kernel", "apiTree"],
        message: `the trigger (kernelci:pipeline.trees "${c.pipeline.trees}") does not watch tree "${kernel.apiTree}": no checkout would follow the kernel test revisions pushed`,
      });
    }
    const trustedTeam = c.github?.enabled ? c.github.teams.trusted?.slug : undefined;
    if (trustedTeam !== undefined && c.staging !== undefined && c.staging.trustedTeam !== trustedTeam) {
      ctx.addIssue({
        code: "custom",
        path: ["staging", "trustedTeam"],
        message: `must be "${trustedTeam}", the team github.teams.trusted manages`,
      });
    }
    if (c.github?.enabled) {
      const needed = ["githubAdminToken", ...(c.github.webhook ? (["webhookSecret"] as const) : [])] as const;
      for (const key of needed) {
        if (c.secrets[key] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["secrets", key],
            message: "required: github.enabled manages webhooks, teams and Actions secrets",
          });
        }
      }
      for (const name of c.github.workflows?.secrets ?? []) {
        if (c.actionsSecrets[name] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["actionsSecrets", name],
            message: `github.workflows.secrets names ${name}: set its value with --secret`,
          });
        }
      }
    }
    if (c.staging === undefined && c.images.sourceDir === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["images", "sourceDir"],
        message: "required without a staging section: the kernelci-pipeline config/ deployed is read from it",
      });
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Sections that hold secrets: they must be set with `pulumi config set --secret`. */
export const secretSections = Object.keys(secretsSchema.shape) as (keyof z.infer<typeof secretsSchema>)[];
export type SecretSection = (typeof secretSections)[number];
