import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { planStagingBranches, StagingBranches } from "../../components/stagingBranches";
import { stagingSchema } from "../../config/staging";
import { createForge } from "../../lib/forge";
import { createLocalForge } from "../../local/forge";
import { type GithubServer, serveLocalForge, startGithubServer } from "../support/githubServer";
import { promiseOf, stackFileConfig } from "../support/mockProgram";

// The staging stack's github forge, pointed at the REST double and at fixture repositories:
// the component plans from GitHub with the secret token, and the token reaches no output.
describe("StagingBranches with the GitHub forge (mocks, GitHub double)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-staging-program-"));
  let server: GithubServer;
  beforeAll(async () => {
    server = await startGithubServer();
    createLocalForge(path.join(dir, "kernelci"));
    serveLocalForge(server, path.join(dir, "kernelci"), "kernelci");
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const stagingConfig = () =>
    stagingSchema.parse({
      ...(stackFileConfig("staging")["kernelci:staging"] as object),
      forge: { kind: "github", owner: "kernelci", apiUrl: server.url, gitUrl: `file://${dir}` },
      // The fixtures hold the three repositories deployed, of staging.ini's twelve.
      repos: [{ name: "kernelci-core" }, { name: "kernelci-api" }, { name: "kernelci-pipeline" }],
      workDir: path.join(dir, "work"),
      // The fixtures' PRs date from January 2026: staleness is tested elsewhere.
      staleDays: undefined,
    });

  it("lists the PRs with the token, passes eligible and skipped sets, and exports no token", async () => {
    const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: { ...args.inputs, head: `head-of-${args.name}` } };
        },
        call: (args) => args.inputs,
      },
      "kernelci",
      "staging",
      false,
    );
    const config = stagingConfig();
    const token = "PLANTED-githubToken-5ecret";
    const branches = new StagingBranches("staging", { config, githubToken: pulumi.secret(token) });
    const heads = await promiseOf(branches.heads);

    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.authorization === `token ${token}`)).toBe(true);
    const core = registered.find(
      (r) => r.type === "pulumi-nodejs:dynamic/kernelci:StagingBranch" && r.name === "kernelci-core",
    );
    expect(core?.inputs.remote).toBe(`file://${dir}/kernelci/kernelci-core.git`);
    // The staging stack trusts nuclearcat (1001, and 1006 through its head owner) and padovan.
    expect((core?.inputs.eligible as { number: number }[] | undefined)?.map((e) => e.number)).toEqual([
      1001, 1002, 1006,
    ]);
    expect((core?.inputs.skipped as { reason: string }[] | undefined)?.map((s) => s.reason)).toEqual([
      "untrusted",
      "label",
      "base",
    ]);
    // The token goes to the provider as a secret input (encrypted in state), never in plain.
    expect(core?.inputs.token).toEqual({
      [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
      value: token,
    });
    expect(heads).toEqual({
      "kernelci-core": "head-of-kernelci-core",
      "kernelci-api": "head-of-kernelci-api",
      "kernelci-pipeline": "head-of-kernelci-pipeline",
    });
    expect(await pulumi.isSecret(branches.heads)).toBe(false);
  });

  // Runs last: the team it creates stays on the double.
  it("trusts the members of the staging stack's trusted team once it exists, and says so", async () => {
    server.setTeam("kernelci", "staging-trusted", ["stranger"]);
    const config = stagingConfig();
    const plans = await planStagingBranches(config, createForge(config.forge, dir, "t0ken"), new Date());
    const api = plans.find((p) => p.repo === "kernelci-api");
    expect(api?.trustedFrom).toBe("team staging-trusted");
    // stranger's PR enters; nuclearcat, trusted only by the list, stays out.
    expect(api?.eligible.map((e) => e.number)).toEqual([2002]);
    expect(api?.skipped).toContainEqual(expect.objectContaining({ number: 2001, reason: "untrusted" }));
  });
});
