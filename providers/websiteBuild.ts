import * as pulumi from "@pulumi/pulumi";
import type { WebsiteSettings } from "../lib/release/website";
import { loadModule, projectModule } from "./dynamic";

export type WebsiteBuildInputs = WebsiteSettings & { token: string | null };

type Engine = typeof import("../lib/release/website");
const engineModule = projectModule("lib/release/website");

/** Rebuilt only when the revision or the way it is built changes. */
const buildKeys = ["remote", "revision", "siteDir", "command", "serverImage"] as const;

async function build(inputs: WebsiteBuildInputs) {
  const { buildWebsite } = loadModule<Engine>(engineModule);
  const { token, ...plain } = inputs;
  return { ...plain, ...(await buildWebsite(plain, token ? { token } : undefined)) };
}

export const websiteBuildProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id, olds: Record<string, unknown>, news: WebsiteBuildInputs) {
    const changes = buildKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changes.length > 0 };
  },
  async create(inputs: WebsiteBuildInputs) {
    return { id: `website:${inputs.revision}`, outs: await build(inputs) };
  },
  async update(_id, _olds, news: WebsiteBuildInputs) {
    return { outs: await build(news) };
  },
};

/** The static site of one website revision, built with Hugo (or a command) into a build context. */
export class WebsiteBuild extends pulumi.dynamic.Resource {
  declare readonly revision: pulumi.Output<string>;
  declare readonly context: pulumi.Output<string>;
  declare readonly digest: pulumi.Output<string>;

  constructor(
    name: string,
    args: { [K in keyof WebsiteBuildInputs]: pulumi.Input<WebsiteBuildInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const token = args.token === null ? null : pulumi.secret(args.token);
    super(
      websiteBuildProvider,
      name,
      { context: undefined, digest: undefined, files: undefined, ...args, token },
      opts,
      "kernelci",
      "WebsiteBuild",
    );
  }
}
