import * as fs from "node:fs";
import * as path from "node:path";
import { postDelivery, signedDelivery, type TestEvent, testPayload } from "../../bot/delivery";
import { COMMENT_MARKER } from "../../bot/report";
import { FakeDeployer, quickDurations, secret, startTestBot, until } from "../support/botHarness";
import { type GithubServer, githubPull, startGithubServer } from "../support/githubServer";

// Chat-ops end to end through the bot's webhook, against the GitHub double (part 2).

const head1 = "1".repeat(40);
const head2 = "2".repeat(40);

describe("chat-ops through the bot (bot/commands.ts, the runner)", () => {
  let github: GithubServer;
  beforeAll(async () => {
    github = await startGithubServer();
    github.setPulls("kernelci", "kernelci-api", [
      githubPull(7, {
        user: { login: "newcomer" },
        head: { sha: head1, ref: "f", repo: { owner: { login: "newcomer" } } },
      }),
    ]);
    github.pr("kernelci", "kernelci-api", 7).files = ["api/main.py"];
  });
  afterAll(() => github.close());

  it("answers roles, binds a maintainer's ack to the head, expires it on push, deploys for an admin, reports on the PR", async () => {
    const deployer = new FakeDeployer();
    const pullRequests = {
      apiUrl: github.url,
      paceWrites: false,
      admins: ["padovan"],
      maintainers: ["broonie"],
    };
    const bot = await startTestBot({ durations: quickDurations, pullRequests }, deployer, {
      botFile: "bot.json",
    });
    const botFile = path.join(bot.dir, "bot.json");
    const deliver = async (id: string, e: Omit<TestEvent, "repo">) =>
      postDelivery(
        bot.service.url,
        await signedDelivery(secret, e.event, testPayload({ repo: "kernelci/kernelci-api", ...e }), id),
      );
    const comment = (id: string, author: string, body: string, action = "created") =>
      deliver(id, { event: "issue_comment", pr: 7, author, body, action });
    const replies = () => github.pr("kernelci", "kernelci-api", 7).comments.map((c) => c.body);
    try {
      await comment("c1", "stranger", "@kcibot deploy");
      await until("the refusal", () => replies().length === 1);
      expect(replies()[0]).toBe("Only maintainers and admins may ask for `deploy`.");

      await comment("c2", "broonie", "Looks fine.\n@kcibot deploy");
      await until("the ack", () => replies().length === 2 && fs.existsSync(botFile));
      expect(replies()[1]).toContain(`Admitted at ${head1.slice(0, 12)}`);
      expect(JSON.parse(fs.readFileSync(botFile, "utf8")).acks).toEqual([
        { repo: "kernelci/kernelci-api", pr: 7, sha: head1, by: "broonie", at: expect.any(Number) },
      ]);

      // The ack is a change: it starts the first (full) deploy, which runs its course.
      await until("the first deploy", () => deployer.requests.length === 1);
      deployer.finish();
      await until("its end", () => bot.service.runner.state.policy.running === null);

      await deliver("p1", {
        event: "pull_request",
        action: "synchronize",
        pr: 7,
        sha: head2,
        author: "newcomer",
      });
      await until("the expiry", () => replies().some((b) => b.includes("needs a new `@kcibot deploy`")));
      expect(JSON.parse(fs.readFileSync(botFile, "utf8")).acks).toEqual([]);

      await comment("c3", "broonie", "@kcibot deploy", "edited");
      await comment("c4", "padovan", "> @kcibot trigger\n@kcibot skip");
      await until("the label", () =>
        github.pr("kernelci", "kernelci-api", 7).labels.includes("staging-skip"),
      );

      // The skip is a change too: its partial deploy starts; the admin's deploy then restarts it.
      await until("the skip's deploy", () => deployer.requests.length === 2);
      const before = deployer.requests.length;
      await comment("c5", "padovan", "@kcibot deploy");
      await until("the admin's deploy", () => deployer.requests.length > before);
      expect(deployer.requests.at(-1)?.deploy.cycle).toBe("partial");
      deployer.finish({
        result: "succeeded",
        outputs: { stagingTags: { "kernelci-api": "staging-20261128.3" } },
      });
      await until("the PR report", () => replies().some((b) => b.startsWith(COMMENT_MARKER)));
      await until("the partial report", () =>
        replies().some((b) => b.includes("**partial** cycle: success")),
      );
      // One report comment per PR, edited in place: the full cycle's report became the partial one.
      const reports = replies().filter((b) => b.startsWith(COMMENT_MARKER));
      expect(reports).toHaveLength(1);
      const report = reports[0];
      expect(report).toContain("`staging-20261128.3`");
      // Each deploy ends with its status on the head; a pending one not posted yet is superseded.
      await until("the final status", () =>
        (github.statuses.get(`kernelci/kernelci-api@${head1}`) ?? []).some(
          (st) => st.description === "partial: api",
        ),
      );
      const statuses = github.statuses.get(`kernelci/kernelci-api@${head1}`) ?? [];
      expect(statuses.at(-1)).toMatchObject({
        state: "success",
        description: "partial: api",
        context: "kernelci/staging",
      });
      expect(statuses.map((st) => `${st.state} ${st.description}`)).toContain("success full");
      // The edited comment and the quoted trigger did nothing.
      expect(replies().filter((b) => b.includes("trigger"))).toEqual([]);
    } finally {
      await bot.close();
    }
  }, 300_000);

  it("reads roles from a GitHub team of 250 members, every page, when a comment asks", async () => {
    const members = Array.from({ length: 250 }, (_, i) => `maintainer-${i + 1}`);
    github.setTeam("kernelci", "staging-maintainers", members);
    github.setPulls("kernelci", "kernelci-core", [
      githubPull(12, { user: { login: "nuclearcat" }, head: { sha: head1, ref: "g", repo: null } }),
    ]);
    const pullRequests = {
      apiUrl: github.url,
      paceWrites: false,
      admins: ["padovan"],
      maintainersTeam: "staging-maintainers",
    };
    // The roles come through the forge: GitHub (the double), as on the staging stack.
    const forge = { kind: "github", owner: "kernelci", apiUrl: github.url };
    const bot = await startTestBot({ durations: quickDurations, pullRequests }, new FakeDeployer(), {
      forge,
    });
    const pr = github.pr("kernelci", "kernelci-core", 12);
    const comment = async (id: string, author: string, body: string) =>
      postDelivery(
        bot.service.url,
        await signedDelivery(
          secret,
          "issue_comment",
          testPayload({ event: "issue_comment", repo: "kernelci/kernelci-core", pr: 12, author, body }),
          id,
        ),
      );
    try {
      github.requests.length = 0;
      // The 250th member is on the third page of 100.
      await comment("t1", "maintainer-250", "@kcibot skip");
      await until("the label", () => pr.labels.includes("staging-skip"));
      const pages = github.requests
        .filter((r) => r.url.startsWith("/orgs/kernelci/teams/staging-maintainers/members"))
        .map((r) => new URL(r.url, github.url).searchParams.get("page") ?? "1");
      expect(pages).toEqual(["1", "2", "3"]);

      await comment("t2", "maintainer-251", "@kcibot unskip");
      await until("the refusal", () => pr.comments.length === 2);
      expect(pr.comments.map((c) => c.body)).toEqual([
        "`staging-skip` added: this PR leaves staging at the next deploy.",
        "Only maintainers and admins may ask for `unskip`.",
      ]);
      expect(pr.labels).toEqual(["staging-skip"]);
    } finally {
      await bot.close();
    }
  }, 120_000);
});
