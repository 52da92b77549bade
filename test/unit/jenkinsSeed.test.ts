import { jenkinsClient } from "../../lib/jenkins/client";
import { type JenkinsSeedInputs, jenkinsSeedProvider } from "../../providers/jenkinsSeed";
import { type JenkinsDouble, type JenkinsJob, startJenkins } from "../support/jenkinsServer";

describe("the JenkinsSeed provider", () => {
  let jenkins: JenkinsDouble;
  const seedJob: JenkinsJob = { result: "SUCCESS", queuePolls: 1, buildPolls: 1 };
  beforeEach(async () => {
    seedJob.result = "SUCCESS";
    jenkins = await startJenkins({ user: "admin", token: "jenkins-5ecret", jobs: { "job-dsl": seedJob } });
  });
  afterEach(() => jenkins.close());
  const inputs = (): JenkinsSeedInputs => ({
    jenkinsUrl: jenkins.url,
    user: "admin",
    token: "jenkins-5ecret",
    job: "job-dsl",
    revision: "jenkins-r1",
    timeoutMinutes: 1,
    requestTimeoutMs: 5000,
    poll: { initialSeconds: 0.001, maxSeconds: 0.005 },
  });

  it("runs the seed job at the revision, keeping the token only as its secret output", async () => {
    const { outs } = await jenkinsSeedProvider.create(inputs());
    expect(outs).toMatchObject({
      buildNumber: 1,
      buildUrl: `${jenkins.url}/job/job-dsl/1/`,
      result: "SUCCESS",
    });
    expect(jenkins.builds).toEqual([{ job: "job-dsl", parameters: { REVISION: "jenkins-r1" } }]);
    expect(jenkinsSeedProvider.spec.readSecrets).toEqual(["token"]);
    expect(JSON.stringify({ ...outs, token: undefined })).not.toContain("jenkins-5ecret");
  });

  it("reads the seed job's last build on refresh: one run by hand since, then none left", async () => {
    const { id, outs } = await jenkinsSeedProvider.create(inputs());
    const read = async () => (await jenkinsSeedProvider.read(id, outs)).props;
    expect(await read()).toMatchObject({ buildNumber: 1, result: "SUCCESS" });
    // Someone runs the seed job by hand, and it fails.
    seedJob.result = "FAILURE";
    const byHand = jenkinsClient({
      url: jenkins.url,
      user: "admin",
      token: "jenkins-5ecret",
      requestTimeoutMs: 5000,
    });
    const policy = { initialMs: 1, maxMs: 5, factor: 2, timeoutMs: 60_000 };
    await expect(byHand.runAndWait("job-dsl", { REVISION: "other" }, policy)).rejects.toThrow(/FAILURE/);
    expect(await read()).toMatchObject({
      buildNumber: 2,
      buildUrl: `${jenkins.url}/job/job-dsl/2/`,
      result: "FAILURE",
      revision: "jenkins-r1",
    });
    jenkins.deleteBuilds("job-dsl");
    expect(await read()).toMatchObject({ buildNumber: null, buildUrl: null, result: null });
    // A state written before the token was kept: nothing to ask Jenkins with, nothing changes.
    const { token: _, ...old } = outs;
    expect((await jenkinsSeedProvider.read(id, old)).props).toEqual(old);
  });

  it("fails a refresh with a wrong token, naming the URL and the credentials", async () => {
    const { id, outs } = await jenkinsSeedProvider.create(inputs());
    await expect(jenkinsSeedProvider.read(id, { ...outs, token: "stale" })).rejects.toThrow(
      `Jenkins GET ${jenkins.url}/job/job-dsl/lastCompletedBuild/api/json?tree=number,url,result answered 401 (check the Jenkins user and token)`,
    );
  });
});
