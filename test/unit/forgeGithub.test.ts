import { GithubForge, RateLimitError, rateLimitWait } from "../../lib/forge/github";
import { type GithubServer, githubPull, startGithubServer } from "../support/githubServer";

describe("the GitHub forge", () => {
  let server: GithubServer;
  beforeAll(async () => {
    server = await startGithubServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("defect 13: a head.sha that is not a commit id counts as a missing head, never reaching git", async () => {
    server.setPulls("kernelci", "kernelci-api", [
      githubPull(1, {
        head: { sha: "--upload-pack=touch /tmp/pwned", ref: "x", repo: { owner: { login: "alice" } } },
      }),
      githubPull(2, { head: { sha: "a".repeat(40), ref: "y", repo: { owner: { login: "alice" } } } }),
    ]);
    const found = await new GithubForge({ owner: "kernelci", apiUrl: server.url }).openPulls("kernelci-api");
    expect(found.map((p) => [p.number, p.headSha])).toEqual([
      [1, null],
      [2, "a".repeat(40)],
    ]);
  });

  it("reads every page of open PRs (Link header), with the token, beyond 100", async () => {
    const pulls = Array.from({ length: 250 }, (_, i) => githubPull(i + 1));
    pulls[4] = githubPull(5, { head: { sha: "f".repeat(40), ref: "x", repo: null } });
    pulls[6] = githubPull(7, {
      user: { login: "Outsider" },
      head: { sha: "e".repeat(40), ref: "fix", repo: { owner: { login: "KernelCI" } } },
      labels: [{ name: "staging-skip" }],
      base: { ref: "release" },
      draft: true,
    });
    server.setPulls("kernelci", "kernelci-core", pulls);
    const forge = new GithubForge({ owner: "kernelci", token: "t0ken", apiUrl: server.url });
    const found = await forge.openPulls("kernelci-core");
    expect(found.map((p) => p.number)).toEqual(pulls.map((p) => p.number));
    expect(server.requests.map((r) => r.url)).toEqual([
      "/repos/kernelci/kernelci-core/pulls?state=open&per_page=100",
      "/repos/kernelci/kernelci-core/pulls?state=open&per_page=100&page=2",
      "/repos/kernelci/kernelci-core/pulls?state=open&per_page=100&page=3",
    ]);
    expect(server.requests.every((r) => r.authorization === "token t0ken")).toBe(true);
    expect(found[4]).toMatchObject({ headOwner: null, headSha: null });
    expect(found[6]).toEqual({
      number: 7,
      title: "PR 7",
      author: "Outsider",
      headOwner: "KernelCI",
      headRef: "fix",
      headSha: "e".repeat(40),
      base: "release",
      labels: ["staging-skip"],
      draft: true,
      createdAt: pulls[6].created_at,
      updatedAt: pulls[6].updated_at,
    });
    expect(forge.remote("kernelci-core")).toBe("https://github.com/kernelci/kernelci-core.git");
  });

  it("waits for a rate limit that resets soon, then goes on", async () => {
    server.setPulls("kernelci", "kernelci-api", [githubPull(1)]);
    server.rateLimit(1, 1);
    const forge = new GithubForge({ owner: "kernelci", apiUrl: server.url });
    expect((await forge.openPulls("kernelci-api")).map((p) => p.number)).toEqual([1]);
    expect(server.requests).toHaveLength(2);
  });

  it("says when a rate limit is the cause and when it resets", async () => {
    server.setPulls("kernelci", "kernelci-api", [githubPull(1)]);
    server.rateLimit(1, 3600);
    const forge = new GithubForge({ owner: "kernelci", apiUrl: server.url, maxRateLimitWaitMs: 1000 });
    const failure = await forge.openPulls("kernelci-api").catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RateLimitError);
    expect((failure as Error).message).toMatch(
      /rate limit exhausted for .*\/repos\/kernelci\/kernelci-api\/pulls.* until 20\d\d-.*githubToken/,
    );
  });

  it("names the repository and the API on other failures", async () => {
    const forge = new GithubForge({ owner: "kernelci", apiUrl: server.url });
    await expect(forge.openPulls("no-such-repo")).rejects.toThrow(
      /kernelci\/no-such-repo at http:\/\/127\.0\.0\.1:\d+ failed: \S+\/repos\/kernelci\/no-such-repo\/pulls\S* answered HTTP 404/,
    );
  });

  it("decides rate-limit waits from GitHub's headers only", () => {
    const now = 1_000_000;
    expect(rateLimitWait(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1010" }, now)).toBe(
      10_000,
    );
    expect(rateLimitWait(429, { "retry-after": "3" }, now)).toBe(3000);
    expect(rateLimitWait(403, { "x-ratelimit-remaining": "12" }, now)).toBeNull();
    expect(rateLimitWait(404, { "retry-after": "3" }, now)).toBeNull();
  });
});
