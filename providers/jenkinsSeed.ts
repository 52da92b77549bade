import * as pulumi from "@pulumi/pulumi";
import { loadModule, projectModule } from "./dynamic";

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

type Args = { [K in keyof JenkinsSeedInputs]: pulumi.Input<JenkinsSeedInputs[K]> };

const jenkinsModule = projectModule("lib/jenkins/client");
const pollModule = projectModule("lib/poll");

/** The seed job runs again only when the kernelci-jenkins revision (or the job, or Jenkins) changes. */
const seedKeys = ["jenkinsUrl", "job", "revision"] as const;

async function seed(inputs: JenkinsSeedInputs) {
  const { jenkinsClient } = loadModule<typeof import("../lib/jenkins/client")>(jenkinsModule);
  const { pollPolicy } = loadModule<typeof import("../lib/poll")>(pollModule);
  const jenkins = jenkinsClient({
    url: inputs.jenkinsUrl,
    user: inputs.user,
    token: inputs.token,
    requestTimeoutMs: inputs.requestTimeoutMs,
  });
  const build = await jenkins.runAndWait(
    inputs.job,
    { REVISION: inputs.revision },
    pollPolicy(inputs.poll, inputs.timeoutMinutes),
  );
  const { token: _token, ...plain } = inputs;
  return { ...plain, buildNumber: build.number, buildUrl: build.url, result: build.result };
}

export const jenkinsSeedProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: JenkinsSeedInputs) {
    const changes = seedKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: JenkinsSeedInputs) {
    return { id: `jenkins-seed-${inputs.job}`, outs: await seed(inputs) };
  },
  async update(_id, _olds, news: JenkinsSeedInputs) {
    return { outs: await seed(news) };
  },
};

/** The legacy job-dsl seed job, run through Jenkins' REST API once Jenkins is ready. */
export class JenkinsSeed extends pulumi.dynamic.Resource {
  declare readonly buildNumber: pulumi.Output<number>;
  declare readonly buildUrl: pulumi.Output<string>;
  declare readonly result: pulumi.Output<string>;

  constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
    super(
      jenkinsSeedProvider,
      name,
      { buildNumber: undefined, buildUrl: undefined, result: undefined, ...args },
      opts,
      "kernelci",
      "JenkinsSeed",
    );
  }
}
