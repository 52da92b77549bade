import {
  isPinned,
  kciImageName,
  kciTemplateName,
  kernelciImageName,
  kernelciImages,
  pinnedReference,
  toolchainImages,
} from "../../components/imageNames";

const digest = `sha256:${"ab".repeat(32)}`;

describe("image names (kernelci-core kernelci/docker.py get_image_name, .github/workflows/docker_images.yml)", () => {
  it("names images {registry}/{prefix}{image}:{arch}-{fragments}, one per arch, no tag without arch or fragment", () => {
    const gcc = toolchainImages({
      image: "gcc-14",
      arches: ["x86", "arm64"],
      fragments: ["kselftest", "kernelci"],
    });
    expect(gcc.map((i) => kciImageName("ghcr.io/kernelci", "staging-", i))).toEqual([
      "ghcr.io/kernelci/staging-gcc-14:x86-kselftest-kernelci",
      "ghcr.io/kernelci/staging-gcc-14:arm64-kselftest-kernelci",
    ]);
    expect(
      toolchainImages({ image: "qemu", arches: [], fragments: [] }).map((i) => kciImageName("r", "", i)),
    ).toEqual(["r/qemu"]);
    expect(kciImageName("docker.io/kernelci", "", kernelciImages.lavaCallback)).toBe(
      "docker.io/kernelci/kernelci:lava-callback",
    );
    expect(kciImageName("docker.io/kernelci", "", kernelciImages.kernelci)).toBe(
      "docker.io/kernelci/kernelci",
    );
  });

  it("renders {image}-{arch}.jinja2, or {image}.jinja2 without arch", () => {
    expect(kciTemplateName({ image: "clang-21", arch: "riscv64", fragments: ["kernelci"] })).toBe(
      "clang-21-riscv64.jinja2",
    );
    expect(kciTemplateName(kernelciImages.api)).toBe("kernelci.jinja2");
  });

  it("names configured kernelci images (stacks that do not build) in one repository", () => {
    expect(kernelciImageName("docker.io/kernelci", "staging-", "api")).toBe(
      "docker.io/kernelci/staging-kernelci:api",
    );
  });

  it("pins a reference to a digest, dropping the tag but keeping a registry port", () => {
    expect(pinnedReference("redis:7.4", digest)).toBe(`redis@${digest}`);
    expect(pinnedReference("registry:5000/team/mongo:8.0", digest)).toBe(
      `registry:5000/team/mongo@${digest}`,
    );
    expect(pinnedReference("ghcr.io/kernelci/kernelci-storage", digest)).toBe(
      `ghcr.io/kernelci/kernelci-storage@${digest}`,
    );
    expect(isPinned(pinnedReference("redis:7.4", digest))).toBe(true);
    expect(isPinned("redis:7.4")).toBe(false);
    expect(() => pinnedReference("redis:7.4", "latest")).toThrow(/not a sha256 digest for redis:7.4/);
  });
});
