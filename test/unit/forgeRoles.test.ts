import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GithubForge } from "../../lib/forge/github";
import { LocalForge } from "../../lib/forge/local";
import { resolveRole, resolveRoles } from "../../lib/forge/roles";
import { type GithubServer, startGithubServer } from "../support/githubServer";

describe("roles read from forge teams (lib/forge/roles.ts)", () => {
  let server: GithubServer;
  let forge: GithubForge;
  beforeAll(async () => {
    server = await startGithubServer();
    forge = new GithubForge({ owner: "kernelci", token: "t0ken", apiUrl: server.url });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("reads every member of a team, page by page beyond 100, with the token", async () => {
    const members = Array.from({ length: 250 }, (_, i) => `dev-${i}`);
    server.setTeam("kernelci", "staging-trusted", members);
    const role = await resolveRole(forge, { team: "staging-trusted", list: ["nuclearcat"] });
    expect(role).toEqual({ logins: members, source: "team staging-trusted" });
    expect(server.requests.map((r) => r.url)).toEqual([
      "/orgs/kernelci/teams/staging-trusted/members?per_page=100",
      "/orgs/kernelci/teams/staging-trusted/members?per_page=100&page=2",
      "/orgs/kernelci/teams/staging-trusted/members?per_page=100&page=3",
    ]);
    expect(server.requests.every((r) => r.authorization === "token t0ken")).toBe(true);
  });

  it("falls back to the configured list while the team does not exist, and says so", async () => {
    const role = await resolveRole(forge, { team: "not-yet-created", list: ["nuclearcat", "padovan"] });
    expect(role.logins).toEqual(["nuclearcat", "padovan"]);
    expect(role.source).toBe(`the configured list (no team not-yet-created at ${server.url})`);
  });

  it("asks nothing when no team is configured", async () => {
    const role = await resolveRole(forge, { list: ["padovan"] });
    expect(role).toEqual({ logins: ["padovan"], source: "the configured list" });
    expect(server.requests).toEqual([]);
  });

  it("an empty team is the truth: nobody is trusted, the list does not stand in", async () => {
    server.setTeam("kernelci", "kernelci-admins", []);
    expect((await resolveRole(forge, { team: "kernelci-admins", list: ["padovan"] })).logins).toEqual([]);
  });

  it("reads all roles at once, each from its own source", async () => {
    server.setTeam("kernelci", "kernelci-maintainers", ["broonie", "khilman"]);
    const roles = await resolveRoles(forge, {
      trusted: { list: ["a-wai"] },
      maintainers: { team: "kernelci-maintainers", list: [] },
      admins: { team: "missing-admins", list: ["padovan"] },
    });
    expect(roles.trusted.logins).toEqual(["a-wai"]);
    expect(roles.maintainers).toEqual({
      logins: ["broonie", "khilman"],
      source: "team kernelci-maintainers",
    });
    expect(roles.admins.logins).toEqual(["padovan"]);
  });

  it("fails naming the team's URL when GitHub cannot answer, rather than falling back", async () => {
    server.setTeam("kernelci", "kernelci-admins", ["padovan"]);
    server.rateLimit(1, 3600);
    const limited = new GithubForge({ owner: "kernelci", apiUrl: server.url, maxRateLimitWaitMs: 10 });
    await expect(resolveRole(limited, { team: "kernelci-admins", list: ["anyone"] })).rejects.toThrow(
      "/orgs/kernelci/teams/kernelci-admins/members",
    );
  });

  it("a local forge reads its teams from teams.json beside the repositories", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-roles-"));
    try {
      const local = new LocalForge(dir);
      expect((await resolveRole(local, { team: "staging-trusted", list: ["a"] })).logins).toEqual(["a"]);
      fs.writeFileSync(path.join(dir, "teams.json"), JSON.stringify({ "staging-trusted": ["b", "c"] }));
      expect((await resolveRole(local, { team: "staging-trusted", list: ["a"] })).logins).toEqual(["b", "c"]);
      fs.writeFileSync(path.join(dir, "teams.json"), JSON.stringify({ "staging-trusted": "b" }));
      await expect(resolveRole(local, { team: "staging-trusted", list: [] })).rejects.toThrow(
        `Invalid teams file ${path.join(dir, "teams.json")}`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
