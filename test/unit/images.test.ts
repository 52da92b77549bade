import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dockerfileContext, renderDockerfiles, revisionArgs } from "../../components/dockerfile";
import {
  isPinned,
  kciImageName,
  kciTemplateName,
  kernelciImageName,
  kernelciImages,
  pinnedReference,
  toolchainImages,
} from "../../components/imageNames";
import { renderJenkinsCasc } from "../../components/jenkins";
import { jenkinsLabCredentials, labTokenFiles } from "../../components/labTokens";

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

describe("Dockerfiles rendered from Jinja2 templates in kernelci-core's config/docker format", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-templates-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  beforeAll(() => {
    // Synthetic: a base with blocks, a per-arch child, fragments included with a context.
    write(
      "base/base.jinja2",
      "FROM base:{{ release | default('trixie') }}\n{% block packages %}RUN base{% endblock %}\n" +
        "{% for fragment in fragments %}{% with is_debian = true %}{% include fragment %}{% endwith %}\n{% endfor %}",
    );
    write(
      "cc-1-x86.jinja2",
      "{% extends 'base/base.jinja2' %}{% block packages %}{{ super() }} cc-1{% endblock %}",
    );
    write(
      "tool.jinja2",
      "{%- set fragments = ['fragment/first.jinja2'] + fragments %}{% include 'base/base.jinja2' %}",
    );
    write("fragment/first.jinja2", "ARG core_rev\nRUN first {{ prefix }}");
    write("fragment/extra.jinja2", "ARG pipeline_rev\nRUN extra{% if is_debian %} debian{% endif %}");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("renders extends, super(), include with context, set and filters in one run, with kci's parameters", () => {
    const [cc, tool] = renderDockerfiles(dir, "ghcr.io/kernelci/staging-", [
      { image: "cc-1", arch: "x86", fragments: ["extra"] },
      { image: "tool", fragments: [] },
    ]);
    expect(cc).toBe("FROM base:trixie\nRUN base cc-1\nARG pipeline_rev\nRUN extra debian\n");
    expect(tool).toBe("FROM base:trixie\nRUN base\nARG core_rev\nRUN first ghcr.io/kernelci/staging-\n");
  });

  it("names the missing template and the directory", () => {
    expect(() => renderDockerfiles(dir, "", [{ image: "cc-1", arch: "mips", fragments: [] }])).toThrow(
      `rendering Dockerfiles from ${dir} failed: no template cc-1-mips.jinja2`,
    );
    expect(() => renderDockerfiles(dir, "", [{ image: "tool", fragments: ["nope"] }])).toThrow(
      /no template fragment\/nope\.jinja2 \(needed by tool\.jinja2\)/,
    );
  });

  it("passes only the revisions a Dockerfile declares, and refuses an unknown one", () => {
    const revisions = { "kernelci-core": "c0", "kernelci-api": "a0", "kernelci-pipeline": "p0" };
    expect(revisionArgs("ARG core_rev=main\nARG pipeline_rev\nARG api_url=x", revisions)).toEqual({
      core_rev: "c0",
      pipeline_rev: "p0",
    });
    expect(revisionArgs("FROM x", revisions)).toEqual({});
    expect(() => revisionArgs("ARG api_rev", { "kernelci-core": "c0" })).toThrow(
      "the Dockerfile needs api_rev but the revision of kernelci-api is unknown",
    );
  });

  it("writes one build context per Dockerfile content", () => {
    const a = dockerfileContext(dir, "FROM a\n");
    expect(dockerfileContext(dir, "FROM a\n")).toBe(a);
    expect(dockerfileContext(dir, "FROM b\n")).not.toBe(a);
    expect(fs.readFileSync(path.join(a, "Dockerfile"), "utf8")).toBe("FROM a\n");
  });
});

describe("lab tokens", () => {
  const tokens = { "lava-x": { token: "T", callbackToken: "C" } };

  it("become files of a Secret and placeholders in Jenkins' configuration", () => {
    expect(labTokenFiles(tokens)).toEqual({ "lava-x-token": "T", "lava-x-callback-token": "C" });
    expect(jenkinsLabCredentials(["lava-x"])).toEqual([
      expect.objectContaining({
        string: expect.objectContaining({ id: "lava-x-token", secret: "$" + "{lava-x-token}" }),
      }),
      expect.objectContaining({
        string: expect.objectContaining({
          id: "lava-x-callback-token",
          secret: "$" + "{lava-x-callback-token}",
        }),
      }),
    ]);
  });

  it("never appear in Jenkins' configuration as code, which holds the seed job", () => {
    const casc = renderJenkinsCasc({
      url: "https://jenkins.example.org/",
      labs: ["lava-x"],
      jobsRepo: "https://github.com/kernelci/kernelci-jenkins.git",
      jobsBranch: "main",
    });
    expect(casc).not.toContain('"T"');
    expect(casc).toContain("$" + "{lava-x-token}");
    expect(casc).toContain("job('seed')");
    expect(casc).toContain("https://github.com/kernelci/kernelci-jenkins.git");
  });
});
