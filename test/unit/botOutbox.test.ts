import { backoffMs, enqueue, flush, type Pending, type Report } from "../../bot/outbox";
import { COMMENT_MARKER } from "../../bot/report";
import { githubPullRequests } from "../../lib/forge/pullRequests";
import { type GithubServer, startGithubServer } from "../support/githubServer";

describe("the bot's outbox of PR reports (bot/outbox.ts)", () => {
  let server: GithubServer;
  beforeAll(async () => {
    server = await startGithubServer();
  });
  afterAll(() => server.close());
  const client = () =>
    githubPullRequests({ owner: "kernelci", apiUrl: server.url, retries: 0, backoffMs: 10 });
  const sha = "c".repeat(40);
  const status: Report = {
    kind: "status",
    repo: "kernelci-api",
    sha,
    status: {
      state: "pending",
      description: "deploying partial: api",
      targetUrl: "https://b/1",
      context: "kernelci/staging",
    },
  };
  const comment = (body: string): Report => ({
    kind: "comment",
    repo: "kernelci-api",
    pr: 12,
    body: `${COMMENT_MARKER}\n${body}`,
  });

  it("a newer report about the same thing replaces the unsent older one", () => {
    let outbox: Pending[] = [];
    outbox = enqueue(outbox, comment("first"), 0);
    outbox = enqueue(outbox, status, 0);
    outbox = enqueue(outbox, comment("second"), 1);
    expect(outbox.map((p) => p.report)).toEqual([status, comment("second")]);
  });

  it("keeps what GitHub refused, backs off, and posts it later; comments are edited in place", async () => {
    let outbox = enqueue(enqueue([], status, 0), comment("deployed"), 0);
    server.failNext(100, 502);
    outbox = await flush(outbox, client(), "kcibot", 1000);
    expect(outbox.map((p) => [p.attempts, p.nextAt])).toEqual([
      [1, 1000 + backoffMs(1)],
      [1, 1000 + backoffMs(1)],
    ]);
    expect(await flush(outbox, client(), "kcibot", 2000)).toEqual(outbox);
    server.failNext(0, 502);
    outbox = await flush(outbox, client(), "kcibot", 1000 + backoffMs(1));
    expect(outbox).toEqual([]);
    expect(server.statuses.get(`kernelci/kernelci-api@${sha}`)?.map((s) => s.state)).toEqual(["pending"]);
    await flush(enqueue([], comment("again"), 0), client(), "kcibot", 0);
    expect(server.pr("kernelci", "kernelci-api", 12).comments.map((c) => c.body)).toEqual([
      `${COMMENT_MARKER}\nagain`,
    ]);
  });

  it("backs off from 30 s, doubling, to at most an hour", () => {
    expect([1, 2, 3, 10, 20].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000]);
  });
});
