import { z } from "zod";

/** A GitHub login or team slug: letters, digits and single hyphens, at most 39 characters. */
const login = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    "expected a GitHub login (letters, digits, -)",
  );
const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "expected a team slug (lowercase, digits, - and _)");
const repoName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, "expected a repository name")
  .refine((n) => n !== "." && n !== "..", "expected a repository name, not . or ..");
const secretName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, "expected an Actions secret or variable name (A-Z, 0-9, _)")
  .refine((n) => !n.startsWith("GITHUB_"), "names starting with GITHUB_ are reserved by GitHub");

/** One role's team: its slug (GitHub derives it from the name) and its members. */
const teamSchema = z
  .object({
    slug,
    description: z.string().default(""),
    /**
     * Its members. Left out: memberships are not managed here, except for the trusted team,
     * whose members are then the staging section's trusted list.
     */
    members: z.array(login).optional(),
    /** What the team may do on the configured repositories. */
    permission: z.enum(["pull", "triage", "push", "maintain", "admin"]),
  })
  .strict();

/**
 * The GitHub side of the deployment as code: repository webhooks to the bot, labels, role
 * teams, the production environment and the Actions secrets of the workflows. Each part is
 * optional because GitHub objects are organisation-wide: one stack declares each of them
 * (staging the bot's webhooks and labels; production the teams, the environment and secrets).
 * Off by default: the github plugin cannot be built on machines without GitHub access.
 */
export const githubSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The organisation that owns the repositories and the teams. */
    owner: login,
    repos: z.array(repoName).min(1).default(["kernelci-core", "kernelci-api", "kernelci-pipeline"]),
    /** A webhook on every repository to the bot. */
    webhook: z
      .object({
        /** The bot's webhook URL. */
        url: z.url({ protocol: /^https$/, error: "expected an https:// URL (GitHub verifies TLS)" }),
        events: z.array(z.string().min(1)).default(["pull_request", "push", "issue_comment"]),
      })
      .strict()
      .optional(),
    /** The staging labels (skip, staging:<main>) on every repository of the staging section. */
    labels: z.boolean().default(false),
    /** Role teams; when one is set, trust and roles are read from it instead of the lists. */
    teams: z
      .object({
        trusted: teamSchema.optional(),
        maintainers: teamSchema.optional(),
        admins: teamSchema.optional(),
      })
      .strict()
      .default({}),
    /** The repository holding the deployment workflows, its production environment and secrets. */
    workflows: z
      .object({
        repo: repoName,
        environment: z.string().min(1).default("production"),
        /** The team whose members approve production deployments (one of them is enough). */
        reviewers: slug,
        /** Branches that may deploy to that environment. */
        branches: z.array(z.string().min(1)).min(1).default(["main"]),
        /** Names of the Actions secrets to set; their values are kernelci:actionsSecrets.<name>. */
        secrets: z.array(secretName).default([]),
        /** Actions variables (not secret): name -> value. */
        variables: z.record(secretName, z.string()).default({}),
      })
      .strict()
      .optional(),
  })
  .strict();

export type GithubConfig = z.infer<typeof githubSchema>;

/** Actions secrets of the workflows repository (name -> value), a secret section. */
export const actionsSecretsSchema = z.record(secretName, z.string().min(1, "must not be empty")).default({});
