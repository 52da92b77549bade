import { z } from "zod";

/** Minutes may be fractional: the local stack and the tests use seconds. */
const minutes = z.number().positive();
const fullName = z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "expected owner/name");

/** The seed 003 pacing, every duration configurable (defaults are the seed's). */
const durationsSchema = z
  .object({
    /** A full cycle never starts within this time of the previous full cycle's start. */
    fullIntervalMinutes: minutes.default(360),
    /** A webhook within this time of the last deploy's completion waits until it has passed. */
    cooldownMinutes: minutes.default(30),
    /** Otherwise a deploy starts this long after the webhook that asked for it. */
    settleMinutes: minutes.default(5),
    /** How often the bot asks whether it is time to check the forge for updates (rule 2). */
    checkIntervalMinutes: minutes.default(15),
    /** How long `bot simulate` lets a partial and a full deploy run. */
    partialDeployMinutes: minutes.default(20),
    fullDeployMinutes: minutes.default(180),
    /** How long a deploy waits for a stack lock held by another live process. */
    lockWaitMinutes: minutes.default(10),
  })
  .strict();

/** The bot's own Deployment in the cluster (staging): absent on stacks that run no bot. */
const deploymentSchema = z
  .object({
    namespace: z.string().default("kernelci-bot"),
    image: z.string().min(1),
    host: z.string().regex(/^[a-z0-9.-]+$/, "expected a host name"),
    storageSize: z.string().default("1Gi"),
    /** The Pulumi backend the bot's engine runs against (credentials come from workload identity). */
    backendUrl: z.string().min(1),
  })
  .strict();

const githubLogin = z.string().regex(/^[A-Za-z0-9-]+$/, "expected a GitHub login");
const componentRuleSchema = z
  .object({
    repo: z.string().min(1),
    glob: z.string().min(1),
    components: z.array(z.enum(["api", "pipeline", "pipeline-config", "toolchains"])),
  })
  .strict();

/** Chat-ops and PR reports (part 2): who the bot is on GitHub, and who may ask it what. */
const pullRequestsSchema = z
  .object({
    /** The bot's GitHub login: its comments are found by it (and their marker). */
    login: githubLogin.default("kcibot"),
    /** GitHub's REST API [https://api.github.com]. */
    apiUrl: z.url().optional(),
    /** Writes paced as GitHub asks (1 s apart, comments 3 s) [true]; off only for a GitHub double. */
    paceWrites: z.boolean().default(true),
    /** Admins (deploy now, trigger) and maintainers (ack, skip): a team's members, else the list. */
    admins: z.array(githubLogin).default([]),
    adminsTeam: z.string().min(1).optional(),
    maintainers: z.array(githubLogin).default([]),
    maintainersTeam: z.string().min(1).optional(),
    /** Which changed files redeploy what [bot/components.ts DEFAULT_RULES]. */
    componentRules: z.array(componentRuleSchema).optional(),
  })
  .strict();

/** kcibot (seed 003): deploys `stack` on GitHub events, paced by the durations below. */
export const botSchema = z
  .object({
    /** The stack the bot deploys, with this program (`workDir` holds Pulumi.yaml). */
    stack: z.string().min(1),
    workDir: z.string().default("."),
    /** Repositories whose webhooks count (`owner/name`); each must be a staging repository. */
    repositories: z.array(fullName).min(1),
    listen: z
      .object({
        host: z.string().default("127.0.0.1"),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .strict()
      .prefault({}),
    /** The bot's public address, for links in logs (and in PR reports). */
    publicUrl: z.url().optional(),
    durations: durationsSchema.prefault({}),
    state: z
      .object({
        /** The state file, written atomically (relative to the working directory). */
        file: z.string().default(".local/bot/state.json"),
        /** One engine log per deploy attempt, linked from the status page. */
        logDir: z.string().default(".local/bot/logs"),
        /** Delivery ids remembered to ignore replays (the oldest are forgotten first). */
        seenDeliveries: z.number().int().positive().default(10000),
        /** Deploys kept in the history (the status page shows the last 20). */
        history: z.number().int().min(20).default(100),
      })
      .strict()
      .prefault({}),
    /** Deliveries over this size are refused with 413. */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(25 * 1024 * 1024),
    deployment: deploymentSchema.optional(),
    pullRequests: pullRequestsSchema.optional(),
  })
  .strict();

export type BotConfig = z.infer<typeof botSchema>;

type BotRulesInput = {
  bot?: BotConfig;
  staging?: { repos: { name: string }[] };
  secrets: { webhookSecret?: string };
};

/** The bot deploys staging branches: its repositories are staging repositories; in a cluster it needs its secret. */
export function botProblems(c: BotRulesInput): { path: (string | number)[]; message: string }[] {
  if (c.bot === undefined) return [];
  // Without a staging section the stack runs no bot; `kci-deploy bot` asks for one.
  const repos = c.staging && new Set(c.staging.repos.map((r) => r.name));
  const problems = c.bot.repositories.flatMap((full, i) =>
    !repos || repos.has(full.split("/")[1])
      ? []
      : [
          {
            path: ["bot", "repositories", i],
            message: `${full} is not a repository of the staging section (staging.repos)`,
          },
        ],
  );
  if (c.bot.deployment && c.secrets.webhookSecret === undefined) {
    problems.push({
      path: ["secrets", "webhookSecret"],
      message: "required: bot.deployment runs the bot, which verifies every webhook with it",
    });
  }
  return problems;
}

export function botRules(c: BotRulesInput, ctx: z.RefinementCtx): void {
  for (const problem of botProblems(c)) ctx.addIssue({ code: "custom", ...problem });
}
