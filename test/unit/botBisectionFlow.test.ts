import * as fs from "node:fs";
import * as path from "node:path";
import { deploysFor } from "../../bot/bisect";
import { postDelivery, signedDelivery, testPayload } from "../../bot/delivery";
import { COMMENT_MARKER } from "../../bot/report";
import { FakeDeployer, quickDurations, secret, startTestBot, until } from "../support/botHarness";
import { type GithubServer, startGithubServer } from "../support/githubServer";

// A failed deploy through the bot: the faulty PR found with partial deploys, labelled, told,
// held out, and let back in on its author's next push (part 2).

const head = (n: number) => n.toString(16).padStart(40, "0");
const pipelinePrs = [1, 2, 3, 4, 5, 6, 7, 8];
const faulty = "kernelci/kernelci-pipeline#5";
const error =
  "kubernetes:core/v1:ConfigMap (pipeline-config): config/jobs.yaml: mapping values are not allowed";

describe("finding the faulty PR with real deploys (bot/bisector.ts, the runner)", () => {
  let github: GithubServer;
  beforeAll(async () => {
    github = await startGithubServer();
    for (const n of pipelinePrs)
      github.pr("kernelci", "kernelci-pipeline", n).files = [`config/jobs-${n}.yaml`];
    github.pr("kernelci", "kernelci-api", 9).files = ["api/main.py"];
  });
  afterAll(() => github.close());

  it("bisects the suspects in at most ⌈log2 n⌉ + 1 deploys, excludes the culprit, and lets it back on push", async () => {
    const deployer = new FakeDeployer();
    const snapshot = {
      "kernelci/kernelci-pipeline": {
        base: head(100),
        pulls: Object.fromEntries(pipelinePrs.map((n) => [String(n), head(n)])),
      },
      "kernelci/kernelci-api": { base: head(101), pulls: { "9": head(9) } },
    };
    // The double has no secondary rate limits: no pacing of writes.
    const pullRequests = { apiUrl: github.url, paceWrites: false, admins: ["padovan"] };
    const bot = await startTestBot(
      { durations: quickDurations, pullRequests },
      deployer,
      { botFile: "bot.json" },
      snapshot,
    );
    const botFile = () => JSON.parse(fs.readFileSync(path.join(bot.dir, "bot.json"), "utf8"));
    try {
      const push = testPayload({ event: "push", repo: "kernelci/kernelci-core", sha: head(102) });
      await postDelivery(bot.service.url, await signedDelivery(secret, "push", push, "p1"));
      await until("the deploy", () => deployer.requests.length === 1);
      // What the staging branches merged: every PR of the deploy (or of a step), at its head.
      const included = (keys: string[]) =>
        keys.map((key) => {
          const [full, n] = key.split("#");
          return { repo: full.split("/")[1], pr: Number(n), sha: head(Number(n)) };
        });
      const everyPr = [
        ...pipelinePrs.map((n) => `kernelci/kernelci-pipeline#${n}`),
        "kernelci/kernelci-api#9",
      ];
      deployer.finish({ result: "failed", error, included: included(everyPr) });

      // Each bisection step deploys the PRs of the bot file's step; it fails when the faulty one is in.
      let steps = 0;
      await until("the bisection's end", () => {
        const running = bot.service.runner.state.policy.running;
        if (running?.trigger === "bisect" && deployer.requests.length === steps + 2) {
          const include: string[] = botFile().step.include;
          expect(include).toEqual(running.include);
          expect(include).toContain("kernelci/kernelci-api#9");
          steps++;
          deployer.finish(
            include.includes(faulty)
              ? { result: "failed", error, included: included(include) }
              : { result: "succeeded", included: included(include) },
          );
        }
        return (
          steps > 0 &&
          bot.service.runner.state.bisection === null &&
          !bot.service.runner.state.policy.bisecting
        );
      });
      expect(steps).toBeLessThanOrEqual(deploysFor(pipelinePrs.length));
      expect(bot.service.runner.state.excluded).toEqual([
        { pr: faulty, sha: head(5), reason: "found faulty by kcibot: deploy #1 failed" },
      ]);
      expect(botFile()).toMatchObject({ step: null, held: [{ repo: "kernelci/kernelci-pipeline", pr: 5 }] });
      await until(
        "the label and the comment",
        () =>
          github.pr("kernelci", "kernelci-pipeline", 5).labels.length === 1 &&
          github
            .pr("kernelci", "kernelci-pipeline", 5)
            .comments.some((c) => c.body.includes("bisection found it")),
      );
      expect(github.pr("kernelci", "kernelci-pipeline", 5).labels).toEqual(["staging-skip"]);
      // One comment: the failed deploy's report, edited into the exclusion.
      expect(github.pr("kernelci", "kernelci-pipeline", 5).comments).toHaveLength(1);
      const comment = github.pr("kernelci", "kernelci-pipeline", 5).comments[0].body;
      expect(comment.startsWith(COMMENT_MARKER)).toBe(true);
      expect(comment).toContain(error);

      // Every PR the staging branches merged got the status of the failed deploy, then the
      // good ones that of the step that deployed them; failed steps told nobody.
      const states = (n: number) =>
        (github.statuses.get(`kernelci/kernelci-pipeline@${head(n)}`) ?? []).map((st) => st.state);
      await until("the statuses of the rest's deploy", () =>
        pipelinePrs.filter((n) => n !== 5).every((n) => states(n).at(-1) === "success"),
      );
      expect(states(5)).toEqual(["failure"]);
      expect(github.statuses.get(`kernelci/kernelci-api@${head(9)}`)?.at(-1)?.state).toBe("success");

      const synchronize = testPayload({
        event: "pull_request",
        repo: "kernelci/kernelci-pipeline",
        pr: 5,
        sha: head(55),
      });
      await postDelivery(bot.service.url, await signedDelivery(secret, "pull_request", synchronize, "s1"));
      await until(
        "the label's removal",
        () => github.pr("kernelci", "kernelci-pipeline", 5).labels.length === 0,
      );
      expect(bot.service.runner.state.excluded).toEqual([]);
      expect(botFile().held).toEqual([]);
    } finally {
      await bot.close();
    }
  }, 300_000);
});
