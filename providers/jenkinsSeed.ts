import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Jenkins = typeof import("../lib/jenkins/client");
type Poll = typeof import("../lib/poll");
const jenkinsModule = projectModule("lib/jenkins/client");
const pollModule = projectModule("lib/poll");

export interface JenkinsSeedInputs {
  jenkinsUrl: string;
  user: string;
  token: string;
  job: string;
  /** The kernelci-jenkins revision the jobs are generated from. */
  revision: string;
  timeoutMinutes: number;
  requestTimeoutMs: number;
  poll: { initialSeconds: number; maxSeconds: number };
}

export const jenkinsSeedProvider = defineProvider<
  JenkinsSeedInputs,
  { buildNumber: number; buildUrl: string; result: string }
>({
  type: "JenkinsSeed",
  inputs: {
    jenkinsUrl: "text",
    user: "text",
    token: "string",
    job: "text",
    revision: "text",
    timeoutMinutes: "number",
    requestTimeoutMs: "number",
    poll: "object",
  },
  outputs: { buildNumber: "number", buildUrl: "text", result: "text" },
  // The seed job runs again only when the kernelci-jenkins revision (or the job, or Jenkins) changes.
  diff: { keys: ["jenkinsUrl", "job", "revision"] },
  secrets: ["token"],
  // `read` asks Jenkins again: the token stays in the state, encrypted.
  readSecrets: ["token"],
  id: (inputs) => `jenkins-seed-${inputs.job}`,
  async apply(inputs) {
    const { jenkinsUrl: url, user, token, requestTimeoutMs } = inputs;
    const jenkins = loadModule<Jenkins>(jenkinsModule).jenkinsClient({ url, user, token, requestTimeoutMs });
    const policy = loadModule<Poll>(pollModule).pollPolicy(inputs.poll, inputs.timeoutMinutes);
    const build = await jenkins.runAndWait(inputs.job, { REVISION: inputs.revision }, policy);
    return { buildNumber: build.number, buildUrl: build.url, result: build.result };
  },
  // The seed job's last finished build: one run by hand since (its number and result) shows on
  // `pulumi refresh`, and nulls once its builds are gone. Older states kept no token to ask with.
  async read(_id, { jenkinsUrl: url, user, token, requestTimeoutMs, job }) {
    if (!url || !user || token === undefined || !requestTimeoutMs || !job) return {};
    const jenkins = loadModule<Jenkins>(jenkinsModule).jenkinsClient({ url, user, token, requestTimeoutMs });
    const build = await jenkins.lastBuild(job);
    return {
      buildNumber: build?.number ?? null,
      buildUrl: build?.url ?? null,
      result: build?.result ?? null,
    };
  },
});

/** The legacy job-dsl seed job, run through Jenkins' REST API once Jenkins is ready. */
export class JenkinsSeed extends dynamicResource(jenkinsSeedProvider) {}
