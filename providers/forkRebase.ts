import * as pulumi from "@pulumi/pulumi";
import type { ForkRebaseSettings } from "../lib/release/forkRebase";
import { loadModule, projectModule } from "./dynamic";

export interface ForkRebaseInputs extends ForkRebaseSettings {
  /** Both heads as read at program time: preview shows when upstream moved. */
  forkHead: string;
  upstreamHead: string;
  token: string | null;
}

type Engine = typeof import("../lib/release/forkRebase");
const engineModule = projectModule("lib/release/forkRebase");

const rebaseKeys = ["fork", "branch", "upstream", "upstreamBranch", "forkHead", "upstreamHead"] as const;

async function apply(inputs: ForkRebaseInputs) {
  const { rebaseFork } = loadModule<Engine>(engineModule);
  const { token, ...plain } = inputs;
  const out = await rebaseFork(plain, new Date(), token ? { token } : undefined);
  // The heads after this run: the next diff compares with what is there now.
  return { ...plain, ...out, forkHead: out.head, upstreamHead: out.upstreamHead };
}

export const forkRebaseProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: ForkRebaseInputs) {
    const changes = rebaseKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0 };
  },
  async create(inputs: ForkRebaseInputs) {
    return { id: `${inputs.name}:${inputs.branch}`, outs: await apply(inputs) };
  },
  async update(_id, _olds, news: ForkRebaseInputs) {
    return { outs: await apply(news) };
  },
  async delete() {},
};

/** A fork (test-definitions) rebased on its upstream, pushed with a date tag only when it changed. */
export class ForkRebase extends pulumi.dynamic.Resource {
  declare readonly head: pulumi.Output<string>;
  declare readonly tag: pulumi.Output<string | null>;
  declare readonly pushed: pulumi.Output<boolean>;

  constructor(
    name: string,
    args: { [K in keyof ForkRebaseInputs]: pulumi.Input<ForkRebaseInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const token = args.token === null ? null : pulumi.secret(args.token);
    super(
      forkRebaseProvider,
      name,
      { head: undefined, previous: undefined, tag: undefined, pushed: undefined, ...args, token },
      opts,
      "kernelci",
      "ForkRebase",
    );
  }
}
