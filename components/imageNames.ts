/** The kernelci images an environment runs, keyed like `images.tags` in the configuration. */
export type KernelciImage = "api" | "pipeline" | "lavaCallback" | "kernelci";

/** One `kci docker build <image> <fragments…> [--arch <arch>]` of kernelci-core. */
export interface KciImage {
  image: string;
  arch?: string;
  fragments: string[];
}

/**
 * The four kernelci images: `kci docker build kernelci [api|pipeline|lava-callback]` (kernelci-core
 * .github/workflows/docker_images.yml), and the repository whose revision each is reported with.
 */
export const kernelciImages: Record<KernelciImage, KciImage & { repo: string }> = {
  kernelci: { image: "kernelci", fragments: [], repo: "kernelci-core" },
  api: { image: "kernelci", fragments: ["api"], repo: "kernelci-api" },
  pipeline: { image: "kernelci", fragments: ["pipeline"], repo: "kernelci-pipeline" },
  lavaCallback: { image: "kernelci", fragments: ["lava-callback"], repo: "kernelci-pipeline" },
};

/** `docker.io/kernelci/staging-kernelci:api`: all kernelci images share one repository. */
export function kernelciImageName(registry: string, prefix: string, tag: string): string {
  return `${registry}/${prefix}kernelci:${tag}`;
}

/** An entry of `images.toolchains`: one image per arch, or one without arch. */
export interface Toolchain {
  image: string;
  arches: string[];
  fragments: string[];
}

export function toolchainImages(toolchain: Toolchain): KciImage[] {
  const { image, fragments } = toolchain;
  return toolchain.arches.length === 0
    ? [{ image, fragments }]
    : toolchain.arches.map((arch) => ({ image, arch, fragments }));
}

/**
 * `{registry}/{prefix}{image}:{arch}-{fragments…}`, or no tag at all: kci's naming
 * (kernelci-core kernelci/docker.py, get_image_name), its `--prefix` being `{registry}/{prefix}`.
 */
export function kciImageName(registry: string, prefix: string, image: KciImage): string {
  const tag = [...(image.arch ? [image.arch] : []), ...image.fragments].join("-");
  return `${registry}/${prefix}${image.image}${tag ? `:${tag}` : ""}`;
}

/** The template kci renders: `{image}-{arch}.jinja2`, or `{image}.jinja2` without arch. */
export function kciTemplateName(image: KciImage): string {
  return `${image.arch ? `${image.image}-${image.arch}` : image.image}.jinja2`;
}

/**
 * A reference pinned to a manifest digest: `repository@sha256:…`. A tag next to the digest is
 * dropped (the runtime ignores it and it would only suggest the tag matters).
 */
export function pinnedReference(name: string, digest: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`not a sha256 digest for ${name}: ${digest}`);
  const withoutDigest = name.split("@")[0];
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return `${colon === -1 ? withoutDigest : withoutDigest.slice(0, colon)}@${digest}`;
}

export const isPinned = (reference: string) => /@sha256:[0-9a-f]{64}$/.test(reference);
