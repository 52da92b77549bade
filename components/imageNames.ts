/** The kernelci images an environment runs, keyed like `images.tags` in the configuration. */
export type KernelciImage = "api" | "pipeline" | "lavaCallback" | "kernelci";

/** Where each kernelci image is built from: a repository checkout and its Dockerfile. */
export const kernelciImageSources: Record<KernelciImage, { repo: string; dockerfile: string }> = {
  api: { repo: "kernelci-api", dockerfile: "docker/api/Dockerfile" },
  pipeline: { repo: "kernelci-pipeline", dockerfile: "docker/Dockerfile" },
  lavaCallback: { repo: "kernelci-pipeline", dockerfile: "docker/lava-callback/Dockerfile" },
  kernelci: { repo: "kernelci-core", dockerfile: "Dockerfile" },
};

/** `docker.io/kernelci/staging-kernelci:api`: all kernelci images share one repository. */
export function kernelciImageName(registry: string, prefix: string, tag: string): string {
  return `${registry}/${prefix}kernelci:${tag}`;
}

export interface Toolchain {
  image: string;
  arches: string[];
  fragments: string[];
}

/** `{registry}/{prefix}{image}:{arch}-{fragments}`, one per arch (kernelci-core naming). */
export function toolchainImageNames(registry: string, prefix: string, toolchain: Toolchain): string[] {
  return toolchain.arches.map((arch) =>
    [`${registry}/${prefix}${toolchain.image}:${arch}`, ...toolchain.fragments].join("-"),
  );
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
