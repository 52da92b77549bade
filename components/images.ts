import * as path from "node:path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { checkoutRevisions, dockerfileContext, renderDockerfiles, revisionArgs } from "./dockerfile";
import {
  type KciImage,
  type KernelciImage,
  kciImageName,
  kernelciImageName,
  kernelciImages,
  pinnedReference,
  type Toolchain,
  toolchainImages,
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
      mongo: api.mongo.mode === "in-cluster" ? api.mongo.image : "mongo:8",
      backend: legacy.backendImage,
      frontend: legacy.frontendImage,
      jenkins: legacy.jenkinsImage,
    });
  }
  return images;
}

export interface ImagesConfig {
  build: boolean;
  /** Every built image is pushed to each; the first is the one deployed. */
  registries: string[];
  prefix: string;
  sourceDir?: string;
  /** Without build: the existing reference (tag or digest) of each kernelci image. */
  tags?: Record<KernelciImage, string>;
  toolchains: Toolchain[];
}

export interface ImagesArgs {
  config: ImagesConfig;
  /** Images of other projects (mongo, redis, …) by role; pinned to their digest when building. */
  thirdParty: Record<string, string>;
  /** Repository -> git SHA of the deployed revision; default: the commits of the checkouts. */
  sourceRevisions?: pulumi.Input<Record<string, string>>;
  /** Repository -> its checkout directory, once written; default `<sourceDir>/<repo>`. */
  checkout?: (repo: string) => pulumi.Input<string>;
}

export interface ImageOutput {
  reference: string;
  source?: { repo: string; revision?: string };
}

const sourceRepos = ["kernelci-core", "kernelci-api", "kernelci-pipeline"];

/** What a building stack builds, by role: the four kernelci images, then `toolchains` by kci name. */
export function imagesToBuild(config: ImagesConfig): { role: string; image: KciImage }[] {
  return [
    ...(Object.keys(kernelciImages) as KernelciImage[]).map((role) => ({
      role,
      image: kernelciImages[role],
    })),
    ...config.toolchains.flatMap(toolchainImages).map((image) => ({
      role: kciImageName(config.registries[0], config.prefix, image).split("/").pop() ?? image.image,
      image,
    })),
  ];
}

/**
 * Every image an environment runs. Stacks that build do what kernelci-core's docker_images.yml
 * does: render each Dockerfile from the deployed kernelci-core's config/docker templates, build
 * it with the revisions it declares (core_rev, api_rev, pipeline_rev), and push it to every
 * registry under kci's name; the first registry's `repository@sha256:` is deployed. An image is
 * rebuilt only when its Dockerfile or revisions change. Third-party images are pinned to the
 * digest their tag has at deploy time, so preview shows when a tag moved. The local stack builds
 * nothing and registers no docker resource: it uses the configured references.
 */
export class Images extends pulumi.ComponentResource {
  /** Role -> image reference, for the containers. */
  readonly refs: Record<string, pulumi.Output<string>>;
  /** Role -> reference and source revision, for the stack outputs. */
  readonly outputs: pulumi.Output<Record<string, ImageOutput>>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:images:Images", name, {}, opts);
    const { build, registries, prefix, sourceDir, tags } = args.config;
    const refs: Record<string, pulumi.Output<string>> = {};
    let revisions = pulumi.output(args.sourceRevisions ?? {});
    if (build && sourceDir) {
      const checkout = (repo: string) => args.checkout?.(repo) ?? path.join(sourceDir, repo);
      if (!args.sourceRevisions) revisions = pulumi.output(checkoutRevisions(sourceDir, sourceRepos));
      const built = imagesToBuild(args.config);
      const dockerfiles = pulumi.output(checkout("kernelci-core")).apply((core) =>
        renderDockerfiles(
          path.join(core, "config", "docker"),
          `${registries[0]}/${prefix}`,
          built.map((b) => b.image),
        ),
      );
      built.forEach(({ role, image }, i) => {
        refs[role] = this.build(
          name,
          args.config,
          image,
          dockerfiles.apply((all) => all[i]),
          revisions,
          sourceDir,
        );
      });
    } else {
      for (const role of Object.keys(kernelciImages) as KernelciImage[]) {
        refs[role] = pulumi.output(kernelciImageName(registries[0], prefix, tags?.[role] ?? role));
      }
    }
    for (const [role, image] of Object.entries(args.thirdParty)) {
      refs[role] = build
        ? docker
            .getRegistryImageOutput({ name: image }, { parent: this })
            .sha256Digest.apply((digest) => pinnedReference(image, digest))
        : pulumi.output(image);
    }
    this.refs = refs;
    this.outputs = pulumi.all([pulumi.all(refs), revisions]).apply(([references, known]) =>
      Object.fromEntries(
        Object.entries(references).map(([role, reference]) => {
          const source = kernelciImages[role as KernelciImage];
          return [
            role,
            source
              ? { reference, source: { repo: source.repo, revision: known[source.repo] } }
              : { reference },
          ];
        }),
      ),
    );
    this.registerOutputs({ outputs: this.outputs });
  }

  /** One image: built and pushed to the first registry, tagged and pushed to the others. */
  private build(
    name: string,
    { registries, prefix }: ImagesConfig,
    image: KciImage,
    dockerfile: pulumi.Output<string>,
    revisions: pulumi.Output<Record<string, string>>,
    sourceDir: string,
  ): pulumi.Output<string> {
    const id = `${name}-${[image.image, image.arch, ...image.fragments].filter(Boolean).join("-")}`;
    const context = dockerfile.apply((text) => dockerfileContext(path.join(sourceDir, ".dockerfiles"), text));
    const built = new docker.Image(
      id,
      {
        imageName: kciImageName(registries[0], prefix, image),
        build: {
          context,
          dockerfile: context.apply((dir) => path.join(dir, "Dockerfile")),
          args: pulumi.all([dockerfile, revisions]).apply(([text, revs]) => revisionArgs(text, revs)),
          platform: "linux/amd64",
        },
      },
      { parent: this },
    );
    registries.slice(1).forEach((registry, i) => {
      const tag = new docker.Tag(
        `${id}-mirror-${i + 1}`,
        { sourceImage: built.imageName, targetImage: kciImageName(registry, prefix, image) },
        { parent: this },
      );
      new docker.RegistryImage(
        `${id}-mirror-${i + 1}`,
        { name: tag.targetImage, triggers: { digest: built.repoDigest }, keepRemotely: true },
        { parent: this },
      );
    });
    return built.repoDigest;
  }
}
