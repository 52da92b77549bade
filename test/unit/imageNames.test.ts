import {
  isPinned,
  kernelciImageName,
  pinnedReference,
  toolchainImageNames,
} from "../../components/imageNames";

const digest = `sha256:${"ab".repeat(32)}`;

describe("image names", () => {
  it("names toolchain images {prefix}{image}:{arch}-{fragments}", () => {
    expect(
      toolchainImageNames("docker.io/kernelci", "staging-", {
        image: "gcc-14",
        arches: ["x86", "arm64"],
        fragments: ["kselftest", "kernelci"],
      }),
    ).toEqual([
      "docker.io/kernelci/staging-gcc-14:x86-kselftest-kernelci",
      "docker.io/kernelci/staging-gcc-14:arm64-kselftest-kernelci",
    ]);
    expect(toolchainImageNames("r", "", { image: "clang-21", arches: ["x86"], fragments: [] })).toEqual([
      "r/clang-21:x86",
    ]);
  });

  it("puts every kernelci image in one repository, with the stack's prefix", () => {
    expect(kernelciImageName("docker.io/kernelci", "staging-", "api")).toBe(
      "docker.io/kernelci/staging-kernelci:api",
    );
    expect(kernelciImageName("docker.io/kernelci", "", "pipeline")).toBe(
      "docker.io/kernelci/kernelci:pipeline",
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
