import { jenkinsClient, jobPath } from "../../lib/jenkins/client";
import { fakeClock } from "../support/clock";
import { type JenkinsDouble, startJenkins } from "../support/jenkinsServer";

const policy = { initialMs: 1, maxMs: 5, factor: 2, timeoutMs: 60_000 };
/** Counts sleeps instead of waiting: each probe of the double is one step of progress. */
const clock = () => fakeClock();

describe("the Jenkins client", () => {
  let jenkins: JenkinsDouble;
  beforeEach(async () => {
    jenkins = await startJenkins({
      user: "admin",
      token: "s3cret",
      jobs: {
        "job-dsl": { result: "SUCCESS", queuePolls: 2, buildPolls: 3 },
        broken: { result: "FAILURE", queuePolls: 0, buildPolls: 1 },
        stuck: { result: "SUCCESS", queuePolls: Number.POSITIVE_INFINITY, buildPolls: 0 },
      },
    });
  });
  afterEach(() => jenkins.close());
  const client = (token = "s3cret") =>
    jenkinsClient({ url: jenkins.url, user: "admin", token, requestTimeoutMs: 5000 });

  it("queues with the crumb, follows the queue item to the build, and returns its result", async () => {
    const build = await client().runAndWait("job-dsl", { REVISION: "abc123" }, policy, clock());
    expect(build).toEqual({
      job: "job-dsl",
      number: 1,
      url: `${jenkins.url}/job/job-dsl/1/`,
      result: "SUCCESS",
    });
    expect(jenkins.builds).toEqual([{ job: "job-dsl", parameters: { REVISION: "abc123" } }]);
  });

  it("fails when the build does not succeed, naming its console", async () => {
    await expect(client().runAndWait("broken", { A: "1" }, policy, clock())).rejects.toThrow(
      `Jenkins build ${jenkins.url}/job/broken/1/ of broken finished FAILURE: look at ${jenkins.url}/job/broken/1/console.`,
    );
  });

  it("stops waiting at the deadline and names the job and queue item", async () => {
    await expect(client().runAndWait("stuck", {}, { ...policy, timeoutMs: 50 }, clock())).rejects.toThrow(
      new RegExp(
        `Jenkins stuck did not finish within 0\\.0 min \\(last seen: Waiting for next available executor; queue item ${jenkins.url}/queue/item/\\d+\\)\\. It was not aborted: look at ${jenkins.url}/job/stuck`,
      ),
    );
  });

  it("says to check the credentials on 401", async () => {
    await expect(client("bad").runAndWait("job-dsl", {}, policy, clock())).rejects.toThrow(
      /answered 401 \(check the Jenkins user and token\)/,
    );
  });

  it("cancels queued and running builds of a job", async () => {
    jenkins.addRunning("kernel-bisection", 2, 1);
    const stopped = await client().cancelAll("kernel-bisection");
    expect(stopped).toHaveLength(3);
    expect(jenkins.posts.filter((p) => p.startsWith("/queue/cancelItem"))).toHaveLength(2);
    expect(jenkins.posts).toContain("/job/kernel-bisection/1/stop");
    expect(await client().cancelAll("kernel-bisection")).toEqual([]);
  });

  it("addresses jobs in folders", () => {
    expect(jobPath("legacy/job-dsl")).toBe("/job/legacy/job/job-dsl");
  });
});
