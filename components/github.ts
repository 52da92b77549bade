import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import type { GithubConfig } from "../config/github";
import type { StagingConfig } from "../config/staging";

/** A label as GitHub stores it: colour without '#'. */
export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

/**
 * The labels each repository needs for staging: the skip label, and `staging:<main>` that lets
 * a PR based on another branch in. Repositories without a staging section get none.
 */
export function stagingLabels(
  repos: string[],
  staging: StagingConfig | undefined,
): Record<string, LabelSpec[]> {
  const byRepo = new Map((staging?.repos ?? []).map((r) => [r.name, r]));
  return Object.fromEntries(
    repos.map((repo) => {
      const entry = byRepo.get(repo);
      if (!staging || !entry) return [repo, []];
      return [
        repo,
        [
          {
            name: staging.skipLabel,
            color: "d93f0b",
            description: `Keeps this PR out of the ${staging.branch} branch (staging); removed to let it back in`,
          },
          {
            name: `staging:${entry.main}`,
            color: "0e8a16",
            description: `Merge this PR into ${staging.branch} although it is not based on ${entry.main}`,
          },
        ],
      ];
    }),
  );
}

type Opts = pulumi.CustomResourceOptions;

/** One webhook per repository to the bot, signed with the webhook secret, TLS verified. */
export function createWebhooks(
  config: GithubConfig,
  webhook: NonNullable<GithubConfig["webhook"]>,
  secret: pulumi.Input<string>,
  opts: Opts,
) {
  return config.repos.map(
    (repo) =>
      new github.RepositoryWebhook(
        `${repo}-kcibot`,
        {
          repository: repo,
          active: true,
          events: webhook.events,
          configuration: {
            url: webhook.url,
            contentType: "json",
            insecureSsl: false,
            secret: pulumi.secret(secret),
          },
        },
        opts,
      ),
  );
}

export function createLabels(labels: Record<string, LabelSpec[]>, opts: Opts) {
  return Object.entries(labels).flatMap(([repo, specs]) =>
    specs.map(
      (label) => new github.IssueLabel(`${repo}-${label.name}`, { repository: repo, ...label }, opts),
    ),
  );
}

/**
 * The members each team gets: its configured list; for the trusted team, by default the staging
 * section's trusted list, so that moving a person between roles is a one-line change.
 */
export function teamMembers(
  config: GithubConfig,
  staging: StagingConfig | undefined,
): Record<string, string[]> {
  const members: Record<string, string[]> = {};
  for (const [role, spec] of Object.entries(config.teams)) {
    if (!spec) continue;
    const list = spec.members ?? (role === "trusted" ? staging?.trusted : undefined);
    if (list) members[spec.slug] = [...new Set(list)];
  }
  return members;
}

/** The role teams (by slug), their members, and their permission on every configured repository. */
export function createTeams(config: GithubConfig, staging: StagingConfig | undefined, opts: Opts) {
  const teams: Record<string, github.Team> = {};
  const members = teamMembers(config, staging);
  for (const spec of Object.values(config.teams)) {
    if (!spec) continue;
    const team = new github.Team(
      spec.slug,
      { name: spec.slug, description: spec.description, privacy: "closed", createDefaultMaintainer: false },
      opts,
    );
    for (const login of members[spec.slug] ?? []) {
      new github.TeamMembership(
        `${spec.slug}-${login}`,
        { teamId: team.id, username: login, role: "member" },
        opts,
      );
    }
    for (const repo of config.repos) {
      new github.TeamRepository(
        `${spec.slug}-${repo}`,
        { teamId: team.id, repository: repo, permission: spec.permission },
        opts,
      );
    }
    teams[spec.slug] = team;
  }
  return teams;
}

type Workflows = NonNullable<GithubConfig["workflows"]>;

/** A team's numeric id: this stack's own team by that slug, or looked up when another stack manages it. */
export function teamId(
  slug: string,
  managed: Record<string, github.Team>,
  opts: Opts,
): pulumi.Output<number> {
  const own = managed[slug];
  if (own) return own.id.apply(Number);
  return github
    .getTeamOutput({ slug }, { provider: opts.provider, parent: opts.parent })
    .apply((t) => Number(t.id));
}

/**
 * The production environment of the workflows repository: the reviewers team approves every
 * deployment (nobody approves their own), and only the configured branches may deploy.
 */
export function createProductionEnvironment(
  workflows: Workflows,
  reviewers: pulumi.Input<number>,
  opts: Opts,
) {
  const { repo, environment, branches } = workflows;
  const env = new github.RepositoryEnvironment(
    environment,
    {
      repository: repo,
      environment,
      preventSelfReview: true,
      canAdminsBypass: false,
      reviewers: [{ teams: [reviewers] }],
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    },
    opts,
  );
  for (const branch of branches) {
    new github.RepositoryEnvironmentDeploymentPolicy(
      `${environment}-${branch}`,
      { repository: repo, environment: env.environment, branchPattern: branch },
      opts,
    );
  }
  return env;
}

/** The workflows' Actions secrets (values only as Pulumi secrets) and plain variables. */
export function createActionsSettings(
  workflows: Workflows,
  values: pulumi.Output<Record<string, string>>,
  opts: Opts,
) {
  const { repo, secrets, variables } = workflows;
  for (const name of secrets) {
    new github.ActionsSecret(
      name,
      { repository: repo, secretName: name, plaintextValue: pulumi.secret(values.apply((v) => v[name])) },
      opts,
    );
  }
  for (const [name, value] of Object.entries(variables)) {
    new github.ActionsVariable(name, { repository: repo, variableName: name, value }, opts);
  }
}

export interface GithubSideArgs {
  config: GithubConfig;
  staging?: StagingConfig;
  /** An organisation admin token (a secret). */
  token: pulumi.Input<string>;
  webhookSecret: pulumi.Input<string>;
  actionsSecrets: pulumi.Output<Record<string, string>>;
}

/**
 * KernelCI's GitHub side as code: webhooks to the bot, staging labels, role teams, the gated
 * production environment and the workflows' Actions secrets, reviewed in preview like the rest.
 */
export class GithubSide extends pulumi.ComponentResource {
  /** The slugs of the teams this stack manages. */
  readonly teams: string[];

  constructor(name: string, args: GithubSideArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:github:GithubSide", name, {}, opts);
    const provider = new github.Provider(
      name,
      { owner: args.config.owner, token: pulumi.secret(args.token) },
      { parent: this },
    );
    const children = { parent: this, provider };
    const { config } = args;
    if (config.webhook) createWebhooks(config, config.webhook, args.webhookSecret, children);
    if (config.labels) createLabels(stagingLabels(config.repos, args.staging), children);
    const teams = createTeams(config, args.staging, children);
    if (config.workflows) {
      const reviewers = teamId(config.workflows.reviewers, teams, children);
      createProductionEnvironment(config.workflows, reviewers, children);
      createActionsSettings(config.workflows, args.actionsSecrets, children);
    }
    this.teams = Object.keys(teams);
    this.registerOutputs({ teams: this.teams });
  }
}
