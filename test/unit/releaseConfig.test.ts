import { releaseSchema } from "../../config/release";
import { formatTag, releaseTag } from "../../lib/release/releaseTag";

const base = { components: [{ name: "kernelci-core" }] };
const issues = (input: object) =>
  (releaseSchema.safeParse(input).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("release configuration", () => {
  it("takes the release time as written in a stack file, quoted or not", () => {
    expect(releaseSchema.parse({ ...base, at: "2026-11-30T09:00:00Z" }).at).toBe("2026-11-30T09:00:00Z");
    // An unquoted YAML timestamp, as the Pulumi CLI hands it over.
    expect(releaseSchema.parse({ ...base, at: "2026-11-30 09:00:00 +0000 UTC" }).at).toBe(
      "2026-11-30T09:00:00+00:00",
    );
    expect(issues({ ...base, at: "monday" })).toEqual([
      "at: expected an ISO 8601 time such as 2026-11-30T09:00:00Z",
    ]);
  });

  it("names what a release is missing, every problem at once", () => {
    expect(
      issues({
        createTags: true,
        components: [{ name: "kernelci-core" }, { name: "kernelci-core", commit: "a".repeat(40) }],
      }),
    ).toEqual([
      "at: required: name the release with at or tag",
      "components.0.commit: required by createTags: the commit of main to tag in kernelci-core",
      "components.1.name: kernelci-core is listed twice",
    ]);
  });
});

describe("release components", () => {
  it("are KernelCI's by default, the legacy ones only where the legacy system runs", async () => {
    const { componentSettings } = await import("../../lib/release/releasePlan");
    const release = releaseSchema.parse({
      at: "2026-11-30T09:00:00Z",
      remoteRoot: "https://github.com/kernelci",
    });
    const names = (legacy: boolean) => componentSettings(release, legacy, (p) => p).map((c) => c.component);
    expect(names(false)).toEqual(["kernelci-core", "kernelci-api", "kernelci-pipeline"]);
    expect(names(true)).toEqual([
      "kernelci-core",
      "kernelci-api",
      "kernelci-pipeline",
      "kernelci-backend",
      "kernelci-frontend",
      "kernelci-jenkins",
    ]);
    expect(componentSettings(release, false, (p) => p)[0]).toMatchObject({
      remote: "https://github.com/kernelci/kernelci-core.git",
      branch: "kernelci.org",
      tag: "production-20261130090000",
    });
  });
});

describe("release tag names", () => {
  const at = new Date("2026-11-30T09:05:07Z");
  it("follows upstream's production-YYYYmmddHHMMSS by default, seed 002's style by configuration", () => {
    expect(releaseTag({ at: at.toISOString(), tagFormat: "production-%Y%m%d%H%M%S" })).toBe(
      "production-20261130090507",
    );
    expect(formatTag("kernelci-%Y%m%d", at)).toBe("kernelci-20261130");
  });

  it("prefers a component's own version, then the release's tag", () => {
    const naming = { tag: "production-1", at: at.toISOString(), tagFormat: "x-%Y" };
    expect(releaseTag(naming, "v2.3")).toBe("v2.3");
    expect(releaseTag(naming)).toBe("production-1");
  });

  it("refuses unknown fields and names git would refuse", () => {
    expect(() => formatTag("r-%Q", at)).toThrow(
      'tag format "r-%Q": unknown field %Q (use %Y %m %d %H %M %S)',
    );
    expect(() => releaseTag({ tag: "bad..name", tagFormat: "" })).toThrow(
      '"bad..name" is not a valid git tag name',
    );
  });
});
