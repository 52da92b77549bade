import { COMMENT_MARKER, commentBody, findOwnComment } from "../../bot/report";
import { githubPullRequests, type PullRequestClient } from "../../lib/forge/pullRequests";
import { type GithubServer, startGithubServer } from "../support/githubServer";

describe("the bot's PR client on GitHub (lib/forge/pullRequests.ts)", () => {
  let server: GithubServer;
  let client: PullRequestClient;
  beforeAll(async () => {
    server = await startGithubServer();
    client = githubPullRequests({
      owner: "kernelci",
      token: "t0ken",
      apiUrl: server.url,
      timeoutMs: 5000,
      backoffMs: 10,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  it("lists every changed file page by page, and says when GitHub stopped at 3,000", async () => {
    server.pr("kernelci", "kernelci-api", 1).files = Array.from({ length: 250 }, (_, i) => `api/f${i}.py`);
    expect(await client.changedFiles("kernelci-api", 1)).toEqual({
      files: Array.from({ length: 250 }, (_, i) => `api/f${i}.py`),
      truncated: false,
    });
    expect(server.requests).toHaveLength(3);
    server.pr("kernelci", "kernelci-api", 2).files = Array.from({ length: 3500 }, (_, i) => `f${i}`);
    const big = await client.changedFiles("kernelci-api", 2);
    expect(big.files).toHaveLength(3000);
    expect(big.truncated).toBe(true);
  });

  it("keeps one comment per PR: a new client (after a restart) finds it by its marker and edits it", async () => {
    const report = {
      cycle: "partial",
      state: "success",
      components: ["api"],
      tag: "staging-20261128.1",
      url: "https://bot/d/1",
    } as const;
    const first = await client.createComment("kernelci-api", 3, commentBody(report));
    await client.createComment("kernelci-api", 3, "a person's comment");
    const restarted = githubPullRequests({ owner: "kernelci", token: "t0ken", apiUrl: server.url });
    const own = findOwnComment(
      (await restarted.comments("kernelci-api", 3)).map((c) => ({ ...c, user: { login: c.user } })),
      "KCIBOT",
    );
    expect(own?.id).toBe(first);
    await restarted.updateComment(
      "kernelci-api",
      first,
      commentBody({ ...report, tag: "staging-20261128.2" }),
    );
    const comments = server.pr("kernelci", "kernelci-api", 3).comments;
    expect(comments).toHaveLength(2);
    expect(comments[0].body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(comments[0].body).toContain("staging-20261128.2");
  });

  it("adds and removes labels; removing one the PR lacks is not an error", async () => {
    await client.addLabel("kernelci-pipeline", 4, "staging-skip");
    await client.addLabel("kernelci-pipeline", 4, "staging-skip");
    expect(server.pr("kernelci", "kernelci-pipeline", 4).labels).toEqual(["staging-skip"]);
    await client.removeLabel("kernelci-pipeline", 4, "staging-skip");
    await client.removeLabel("kernelci-pipeline", 4, "staging-skip");
    expect(server.pr("kernelci", "kernelci-pipeline", 4).labels).toEqual([]);
  });

  it("sets the kernelci/staging commit status, retrying GitHub's 5xx answers", async () => {
    const sha = "a".repeat(40);
    server.failNext(2, 502);
    await client.setStatus("kernelci-core", sha, {
      state: "success",
      description: "partial: api",
      targetUrl: "https://bot/d/1",
      context: "kernelci/staging",
    });
    expect(server.statuses.get(`kernelci/kernelci-core@${sha}`)).toEqual([
      {
        state: "success",
        description: "partial: api",
        target_url: "https://bot/d/1",
        context: "kernelci/staging",
      },
    ]);
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(3);
  });

  it("paces writes as GitHub asks (1 s apart); unpaced for a double, it still waits out a rate limit", async () => {
    const status = (client: PullRequestClient, n: number) =>
      client.setStatus("kernelci-core", n.toString(16).padStart(40, "0"), {
        state: "pending",
        description: "partial",
        targetUrl: "https://bot/d/2",
        context: "kernelci/staging",
      });
    const gaps = () => {
      const at = server.requests.filter((r) => r.method === "POST").map((r) => r.at);
      return at.slice(1).map((t, i) => t - at[i]);
    };
    await Promise.all([1, 2, 3].map((n) => status(client, n)));
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(900);

    server.requests.length = 0;
    server.rateLimit(1, 0);
    const unpaced = githubPullRequests({ owner: "kernelci", apiUrl: server.url, paceWrites: false });
    await Promise.all([4, 5, 6].map((n) => status(unpaced, n)));
    expect(
      [4, 5, 6].map((n) => server.statuses.has(`kernelci/kernelci-core@${n.toString(16).padStart(40, "0")}`)),
    ).toEqual([true, true, true]);
    // Three writes and the one the rate limit refused, sent again after its reset.
    expect(gaps()).toHaveLength(3);
    expect(Math.min(...gaps())).toBeLessThan(900);
  });

  it("gives up after its retries, naming the request", async () => {
    server.failNext(10, 503);
    const once = githubPullRequests({ owner: "kernelci", apiUrl: server.url, retries: 1, backoffMs: 10 });
    await expect(once.addLabel("kernelci-core", 5, "x")).rejects.toMatchObject({ status: 503 });
    server.failNext(0, 500);
  });
});
