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

const stackSections = z
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
  .strict();

type Sections = z.infer<typeof stackSections>;
type Rules = (c: Sections, ctx: z.RefinementCtx) => void;

const issue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) =>
  ctx.addIssue({ code: "custom", path, message });

/** Staging: a GitHub forge needs its token. */
const stagingRules: Rules = (c, ctx) => {
  if (c.staging?.forge.kind === "github" && c.secrets.githubToken === undefined)
    issue(
      ctx,
      ["secrets", "githubToken"],
      "required: staging.forge is github (listing PRs, pushing staging branches)",
    );
};

/** Procedure: the drain needs a cluster, the trigger must watch the tree of the test revisions. */
const procedureRules: Rules = (c, ctx) => {
  if (c.procedure.drain.enabled && c.kubernetes.renderDir !== undefined)
    issue(
      ctx,
      ["procedure", "drain", "enabled"],
      "needs a cluster to scale the trigger in; kubernetes.renderDir only renders manifests",
    );
  const kernel = c.procedure.kernel;
  if (kernel && !triggerWatches(c.pipeline.trees, kernel.apiTree))
    issue(
      ctx,
      ["procedure", "kernel", "apiTree"],
      `the trigger (kernelci:pipeline.trees "${c.pipeline.trees}") does not watch tree "${kernel.apiTree}": no checkout would follow the kernel test revisions pushed`,
    );
};

/**
 * GitHub: staging trusts the team it manages; managing it needs the admin token (and the
 * webhook secret), and every Actions secret named.
 */
const githubRules: Rules = (c, ctx) => {
  if (!c.github?.enabled) return;
  const trustedTeam = c.github.teams.trusted?.slug;
  if (trustedTeam !== undefined && c.staging !== undefined && c.staging.trustedTeam !== trustedTeam)
    issue(ctx, ["staging", "trustedTeam"], `must be "${trustedTeam}", the team github.teams.trusted manages`);
  const needed = ["githubAdminToken", ...(c.github.webhook ? (["webhookSecret"] as const) : [])] as const;
  for (const key of needed.filter((key) => c.secrets[key] === undefined))
    issue(ctx, ["secrets", key], "required: github.enabled manages webhooks, teams and Actions secrets");
  const unset = (c.github.workflows?.secrets ?? []).filter((name) => c.actionsSecrets[name] === undefined);
  for (const name of unset)
    issue(
      ctx,
      ["actionsSecrets", name],
      `github.workflows.secrets names ${name}: set its value with --secret`,
    );
};

/** Images: without staging branches, the kernelci-pipeline config/ comes from images.sourceDir. */
const imagesRules: Rules = (c, ctx) => {
  if (c.staging === undefined && c.images.sourceDir === undefined)
    issue(
      ctx,
      ["images", "sourceDir"],
      "required without a staging section: the kernelci-pipeline config/ deployed is read from it",
    );
};

/**
 * One schema for every stack (local, staging, production). Each section lives in its own file;
 * cross-section rules are checked here, one function a section, so that every problem is
 * reported at once.
 */
export const stackConfigSchema = stackSections
  .superRefine(platformRules)
  .superRefine(botRules)
  .superRefine(stagingRules)
  .superRefine(procedureRules)
  .superRefine(githubRules)
  .superRefine(imagesRules);

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Sections that hold secrets: they must be set with `pulumi config set --secret`. */
export const secretSections = Object.keys(secretsSchema.shape) as (keyof z.infer<typeof secretsSchema>)[];
export type SecretSection = (typeof secretSections)[number];
