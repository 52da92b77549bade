import { stagingLabels, teamMembers } from "../../components/github";
import { githubSchema } from "../../config/github";
import { ConfigError, parseStackConfig } from "../../config/load";
import { stagingSchema } from "../../config/staging";
import {
  isSecretConfigKey,
  type Registered,
  rawStackConfig,
  redactPulumiSecrets,
  runProgram,
  type StackName,
  stackFileConfig,
} from "../support/mockProgram";

// The staging branch assembly asks GitHub for PRs while the program runs: offline here, so the
// program runs leave the staging section out, and what follows from it (labels, the trusted
// team's members) is checked on the builders with the stack's own staging section.
const withoutForge = { "kernelci:staging": undefined };
const stagingSection = () => stagingSchema.parse(stackFileConfig("staging")["kernelci:staging"]);
const githubSection = (stack: StackName) => githubSchema.parse(githubOf(stack));

// One program run per stack, shared by the tests below (each run takes seconds).
const runs: Partial<Record<StackName, Registered[]>> = {};
beforeAll(async () => {
  runs.staging = (await runProgram("staging", withoutForge)).resources;
  runs.production = (await runProgram("production")).resources;
});
const githubOf = (stack: StackName) => stackFileConfig(stack)["kernelci:github"] as Record<string, unknown>;
const ofType = (resources: Registered[], type: string) => resources.filter((r) => r.type === type);
const inputsOf = (resources: Registered[], type: string) => ofType(resources, type).map((r) => r.inputs);

describe("the GitHub side of the staging stack (components/github.ts)", () => {
  let resources: Registered[];
  beforeAll(() => {
    resources = runs.staging ?? [];
  });
  const repos = githubSection("staging").repos;

  it("gives every repository a JSON webhook to the bot, TLS verified, for PRs, pushes and comments", () => {
    const hooks = inputsOf(resources, "github:index/repositoryWebhook:RepositoryWebhook");
    expect(hooks.map((h) => h.repository)).toEqual(repos);
    for (const hook of hooks) {
      expect(hook).toMatchObject({ active: true, events: ["pull_request", "push", "issue_comment"] });
      // The configuration holds the webhook secret, so the whole of it is a Pulumi secret.
      expect(redactPulumiSecrets(hook.configuration)).toBe("[secret]");
      expect((hook.configuration as { value: unknown }).value).toEqual({
        url: "https://kcibot.staging.kernelci.org/webhook",
        contentType: "json",
        insecureSsl: false,
        secret: "PLANTED-webhookSecret-5ecret",
      });
    }
  });

  it("gives each role team its permission on every repository", () => {
    const teams = inputsOf(resources, "github:index/team:Team").map((t) => t.name);
    expect(teams).toEqual(["staging-trusted", "kernelci-maintainers", "kernelci-admins"]);
    const grants = ofType(resources, "github:index/teamRepository:TeamRepository").map(
      (r) => `${r.name}:${r.inputs.permission}`,
    );
    expect(grants).toEqual([
      ...repos.map((repo) => `staging-trusted-${repo}:triage`),
      ...repos.map((repo) => `kernelci-maintainers-${repo}:maintain`),
      ...repos.map((repo) => `kernelci-admins-${repo}:admin`),
    ]);
  });

  it("makes the staging trusted list the trusted team's members, and manages no other memberships", () => {
    const trusted = stagingSection().trusted;
    expect(teamMembers(githubSection("staging"), stagingSection())).toEqual({
      "staging-trusted": [...new Set(trusted)],
    });
    const members = ofType(resources, "github:index/teamMembership:TeamMembership");
    expect(members.every((m) => m.name.startsWith("staging-trusted-"))).toBe(true);
  });

  it("declares no production environment nor Actions secrets (the production stack does)", () => {
    expect(ofType(resources, "github:index/repositoryEnvironment:RepositoryEnvironment")).toEqual([]);
    expect(ofType(resources, "github:index/actionsSecret:ActionsSecret")).toEqual([]);
  });

  it("labels every staging repository with the skip label and staging:<main>", () => {
    const labels = stagingLabels(githubSection("staging").repos, stagingSection());
    for (const repo of repos) {
      expect(labels[repo].map((l) => l.name)).toEqual(["staging-skip", "staging:main"]);
      expect(labels[repo].every((l) => /^[0-9a-f]{6}$/.test(l.color) && l.description.length > 0)).toBe(true);
    }
    expect(stagingLabels(["other-repo"], stagingSection())).toEqual({ "other-repo": [] });
    expect(stagingLabels(repos, undefined)).toEqual(Object.fromEntries(repos.map((r) => [r, []])));
  });
});

describe("the GitHub side of the production stack", () => {
  let resources: Registered[];
  beforeAll(() => {
    resources = runs.production ?? [];
  });

  it("gates the production environment on the admins team, deploying from main only", () => {
    const [env] = inputsOf(resources, "github:index/repositoryEnvironment:RepositoryEnvironment");
    expect(env).toMatchObject({
      repository: "kernelci-deploy",
      environment: "production",
      preventSelfReview: true,
      canAdminsBypass: false,
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    // The admins team is managed by the staging stack: looked up by slug (the mock answers 4242).
    expect(env.reviewers).toEqual([{ teams: [4242] }]);
    const policies = inputsOf(
      resources,
      "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy",
    );
    expect(policies).toEqual([
      expect.objectContaining({
        repository: "kernelci-deploy",
        environment: "production",
        branchPattern: "main",
      }),
    ]);
  });

  it("sets every Actions secret the workflows need, each value as a secret", () => {
    const names = (githubOf("production").workflows as { secrets: string[] }).secrets;
    const secrets = inputsOf(resources, "github:index/actionsSecret:ActionsSecret");
    expect(secrets.map((s) => s.secretName)).toEqual(names);
    for (const s of secrets) expect(redactPulumiSecrets(s.plaintextValue)).toBe("[secret]");
  });

  it("manages no webhook, label or team from production", () => {
    for (const type of ["repositoryWebhook:RepositoryWebhook", "issueLabel:IssueLabel", "team:Team"]) {
      expect(ofType(resources, `github:index/${type}`)).toEqual([]);
    }
  });
});

describe("secrets and the switch of the GitHub side", () => {
  const githubResources = (resources: Registered[]) =>
    resources.filter((r) => r.type.startsWith("github:") || r.type === "pulumi:providers:github");

  it.each([
    ["staging", ["webhookSecret", "githubAdminToken"]],
    ["production", ["KUBECONFIG", "DOCKER_PASSWORD", "githubAdminToken"]],
  ] as const)("%s: planted secrets reach github resources only as secrets", (stack, planted) => {
    const github = githubResources(runs[stack] ?? []);
    const leaks = github
      .filter((r) => JSON.stringify(redactPulumiSecrets(r.inputs)).includes("5ecret"))
      .map((r) => `${r.type} ${r.name}`);
    expect(leaks).toEqual([]);
    const wrapped = JSON.stringify(github.map((r) => r.inputs));
    for (const key of planted) expect(wrapped).toContain(`PLANTED-${key}-5ecret`);
  });

  it("github.enabled false registers no github resource", async () => {
    const { resources } = await runProgram("production", {
      "kernelci:github": { ...githubOf("production"), enabled: false },
    });
    expect(resources.length).toBeGreaterThan(0);
    expect(githubResources(resources)).toEqual([]);
  });
});

describe("configuration of the GitHub side", () => {
  function problems(
    stack: StackName,
    edit: (config: Record<string, Record<string, unknown>>) => void,
  ): string[] {
    const raw = rawStackConfig(stack, (config) => edit(config as Record<string, Record<string, unknown>>));
    try {
      parseStackConfig(raw, isSecretConfigKey, `Pulumi.${stack}.yaml`);
      return [];
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
  }

  it("needs the admin token and the webhook secret, and a value for every Actions secret named", () => {
    expect(problems("staging", (c) => delete c["kernelci:secrets"].githubAdminToken)).toEqual([
      "kernelci:secrets.githubAdminToken: required: github.enabled manages webhooks, teams and Actions secrets",
    ]);
    expect(problems("staging", (c) => delete c["kernelci:secrets"].webhookSecret)).toContain(
      "kernelci:secrets.webhookSecret: required: github.enabled manages webhooks, teams and Actions secrets",
    );
    expect(problems("production", (c) => delete c["kernelci:actionsSecrets"].KUBECONFIG)).toEqual([
      "kernelci:actionsSecrets.KUBECONFIG: github.workflows.secrets names KUBECONFIG: set its value with --secret",
    ]);
  });

  it("refuses a plain http webhook, a bad team slug and a reserved secret name, naming each key", () => {
    const found = problems("staging", (c) => {
      c["kernelci:github"].webhook = { url: "http://kcibot.example.org/webhook" };
      (c["kernelci:github"].teams as { trusted: { slug: string } }).trusted.slug = "Not A Slug";
    });
    expect(found).toContainEqual(
      "kernelci:github.webhook.url: expected an https:// URL (GitHub verifies TLS)",
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^kernelci:github\.teams\.trusted\.slug: expected a team slug/),
    );
    const reserved = problems("production", (c) => {
      (c["kernelci:github"].workflows as { secrets: string[] }).secrets.push("GITHUB_TOKEN");
    });
    expect(reserved).toContainEqual(
      expect.stringMatching(/^kernelci:github\.workflows\.secrets\.\d+: names starting with GITHUB_/),
    );
  });

  it("the staging engine's trusted team must be the team github.teams.trusted manages", () => {
    expect(
      problems("staging", (c) => {
        c["kernelci:staging"].trustedTeam = "someone-else";
      }),
    ).toEqual([
      'kernelci:staging.trustedTeam: must be "staging-trusted", the team github.teams.trusted manages',
    ]);
  });

  it("a trusted team defaults its members to the trusted list; other roles stay unmanaged", () => {
    const github = {
      teams: {
        trusted: { slug: "t" },
        admins: { slug: "a" },
        maintainers: { slug: "m", members: ["x", "x"] },
      },
    };
    expect(teamMembers(github as never, { trusted: ["p", "q"] } as never)).toEqual({
      t: ["p", "q"],
      m: ["x"],
    });
  });
});
