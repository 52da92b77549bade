import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { dockerfileContext, renderDockerfiles, revisionArgs } from "../../components/dockerfile";

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
