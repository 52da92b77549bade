import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import {
  type KernelciImage,
  kernelciImageName,
  kernelciImageSources,
  pinnedReference,
  type Toolchain,
  toolchainImageNames,
} from "./imageNames";

/** The images of other projects an environment runs (mongo, redis, …), by role. */
export function thirdPartyImages(
  config: Pick<StackConfig, "api" | "storage" | "legacy">,
): Record<string, string> {
  const { api, storage, legacy } = config;
  const images: Record<string, string> = { redis: api.redis.image, storage: storage.image };
  if (api.mongo.mode === "in-cluster") images.mongo = api.mongo.image;
  if (legacy.enabled) {
    Object.assign(images, {
      mongo: api.mongo.mode === "in-cluster" ? api.mongo.image : "mongo:8.0",
      backend: legacy.backendImage,
      frontend: legacy.frontendImage,
      jenkins: legacy.jenkinsImage,
    });
  }
  return images;
}

export interface ImagesConfig {
  build: boolean;
  registry: string;
  prefix: string;
  sourceDir?: string;
  tags: Record<KernelciImage, string>;
  toolchains: Toolchain[];
}

export interface ImagesArgs {
  config: ImagesConfig;
  /** Images of other projects (mongo, redis, …) by role; pinned to their digest when building. */
  thirdParty: Record<string, string>;
  /** Repository -> git SHA of the deployed revision, reported next to each image built from it. */
  sourceRevisions?: pulumi.Input<Record<string, string>>;
  /** Repository -> its build context directory, once written; default `<sourceDir>/<repo>`. */
  checkout?: (repo: string) => pulumi.Input<string>;
}

export interface ImageOutput {
  reference: string;
  source?: { repo: string; revision?: string };
}

/**
 * Every image an environment runs. Stacks that build push the kernelci and toolchain images with
 * the stack's prefix and hand out `repository@sha256:` references; an image is rebuilt only when
 * its build context changes (docker.Image hashes the context). Third-party images are pinned to
 * the digest their tag has in the registry at deploy time, so preview shows when a tag moved.
 * The local stack builds nothing and registers no docker resource: it uses the configured tags.
 */
export class Images extends pulumi.ComponentResource {
  /** Role -> image reference, for the containers. */
  readonly refs: Record<string, pulumi.Output<string>>;
  /** Role -> reference and source revision, for the stack outputs. */
  readonly outputs: pulumi.Output<Record<string, ImageOutput>>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:images:Images", name, {}, opts);
    const { build, registry, prefix, sourceDir, tags, toolchains } = args.config;
    const checkout = (repo: string) => args.checkout?.(repo) ?? path.join(sourceDir ?? "", repo);
    const refs: Record<string, pulumi.Output<string>> = {};
    for (const key of Object.keys(kernelciImageSources) as KernelciImage[]) {
      const imageName = kernelciImageName(registry, prefix, tags[key]);
      refs[key] =
        build && sourceDir
          ? this.build(`${name}-${key}`, imageName, checkout(kernelciImageSources[key].repo), {
              dockerfile: kernelciImageSources[key].dockerfile,
            })
          : pulumi.output(imageName);
    }
    for (const [role, image] of Object.entries(args.thirdParty)) {
      refs[role] = build
        ? docker
            .getRegistryImageOutput({ name: image }, { parent: this })
            .sha256Digest.apply((digest) => pinnedReference(image, digest))
        : pulumi.output(image);
    }
    if (build && sourceDir) {
      const context = pulumi
        .output(checkout("kernelci-core"))
        .apply((dir) => path.join(dir, "config", "docker"));
      for (const toolchain of toolchains) {
        toolchainImageNames(registry, prefix, toolchain).forEach((imageName, i) => {
          const arch = toolchain.arches[i];
          refs[imageName.slice(imageName.lastIndexOf("/") + 1)] = this.build(
            `${name}-${toolchain.image}-${arch}`,
            imageName,
            context,
            {
              dockerfile: path.join(toolchain.image, "Dockerfile"),
              args: { ARCH: arch, FRAGMENTS: toolchain.fragments.join(" ") },
            },
          );
        });
      }
    }
    this.refs = refs;
    this.outputs = pulumi
      .all([pulumi.all(refs), pulumi.output(args.sourceRevisions ?? {})])
      .apply(([references, revisions]) =>
        Object.fromEntries(
          Object.entries(references).map(([role, reference]) => {
            const source = kernelciImageSources[role as KernelciImage];
            return [
              role,
              source
                ? { reference, source: { repo: source.repo, revision: revisions[source.repo] } }
                : { reference },
            ];
          }),
        ),
      );
    this.registerOutputs({ outputs: this.outputs });
  }

  private build(
    name: string,
    imageName: string,
    context: pulumi.Input<string>,
    options: { dockerfile: string; args?: Record<string, string> },
  ): pulumi.Output<string> {
    const image = new docker.Image(
      name,
      {
        imageName,
        build: {
          context,
          dockerfile: pulumi.output(context).apply((dir) => path.join(dir, options.dockerfile)),
          args: options.args,
          platform: "linux/amd64",
        },
      },
      { parent: this },
    );
    return image.repoDigest;
  }
}
