import type { ForkRebaseSettings } from "../lib/release/forkRebase";
import { loadModule, projectModule } from "./dynamic";
import { defineProvider, dynamicResource } from "./provider";

type Engine = typeof import("../lib/release/forkRebase");
const engineModule = projectModule("lib/release/forkRebase");

export interface ForkRebaseInputs extends ForkRebaseSettings {
  /** Both heads as read at program time: preview shows when upstream moved. */
  forkHead: string;
  upstreamHead: string;
  token: string | null;
}

export const forkRebaseProvider = defineProvider<
  ForkRebaseInputs,
  {
    head: string;
    previous: string;
    tag: string | null;
    pushed: boolean;
    forkHead: string;
    upstreamHead: string;
  }
>({
  type: "ForkRebase",
  inputs: {
    name: "text",
    fork: "text",
    branch: "text",
    upstream: "text",
    upstreamBranch: "text",
    tagPrefix: "text",
    workDir: "text",
    identity: "object",
    forkHead: "text",
    upstreamHead: "text",
    token: "string?",
  },
  outputs: {
    head: "text",
    previous: "text",
    tag: "text?",
    pushed: "boolean",
    forkHead: "text",
    upstreamHead: "text",
  },
  diff: { keys: ["fork", "branch", "upstream", "upstreamBranch", "forkHead", "upstreamHead"] },
  secrets: ["token"],
  // `read` asks the fork again as create does: the token stays in the state, encrypted.
  readSecrets: ["token"],
  id: (inputs) => `${inputs.name}:${inputs.branch}`,
  async apply(inputs) {
    const { token, forkHead: _f, upstreamHead: _u, ...settings } = inputs;
    const out = await loadModule<Engine>(engineModule).rebaseFork(
      settings,
      new Date(),
      token ? { token } : undefined,
    );
    // The heads after this run: the next diff compares with what is there now.
    const { head, previous, tag, pushed, upstreamHead } = out;
    return { head, previous, tag, pushed, forkHead: head, upstreamHead };
  },
  // The fork branch's head and date tag as the remote has them now (null once the branch is
  // gone). `forkHead` stays as the last run left it, so that a push by hand still makes the
  // next `up` rebase.
  read: (_id, { token, ...state }) =>
    loadModule<Engine>(engineModule).readForkRebase(state, token ? { token } : undefined),
});

/** A fork (test-definitions) rebased on its upstream, pushed with a date tag only when it changed. */
export class ForkRebase extends dynamicResource(forkRebaseProvider) {}
