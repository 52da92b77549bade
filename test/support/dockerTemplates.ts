/**
 * Synthetic kernelci-core checkouts for tests that build images: small Jinja2 templates in the
 * format of kernelci-core's config/docker (a template per image and arch, `fragment/<name>.jinja2`
 * included through the `fragments` parameter), not copies of upstream's.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  kciTemplateName,
  kernelciImages,
  type Toolchain,
  toolchainImages,
} from "../../components/imageNames";

/** The build argument each synthetic fragment declares, as upstream's fragments do. */
const fragmentArgs: Record<string, string> = {
  kernelci: "core_rev",
  api: "api_rev",
  pipeline: "pipeline_rev",
  "lava-callback": "pipeline_rev",
};

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A template that names itself and includes its fragments, through a base template. */
export function writeTemplates(dockerDir: string, toolchains: Toolchain[]): void {
  write(
    path.join(dockerDir, "base/synthetic.jinja2"),
    "FROM synthetic/{% block name %}{% endblock %}\n{% for fragment in fragments %}{% include fragment %}\n{% endfor %}",
  );
  const templates = new Set([
    ...Object.values(kernelciImages).map(kciTemplateName),
    ...toolchains.flatMap(toolchainImages).map(kciTemplateName),
  ]);
  // Like kernelci-core's kernelci.jinja2: the kernelci fragment first, then the requested ones.
  write(
    path.join(dockerDir, "base/plain.jinja2"),
    "FROM synthetic/plain\n{% for fragment in fragments %}{% include fragment %}\n{% endfor %}",
  );
  templates.delete("kernelci.jinja2");
  write(
    path.join(dockerDir, "kernelci.jinja2"),
    "{%- set fragments = ['fragment/kernelci.jinja2'] + fragments %}{% include 'base/plain.jinja2' %}",
  );
  for (const template of templates) {
    write(
      path.join(dockerDir, template),
      `{% extends 'base/synthetic.jinja2' %}{% block name %}${template.replace(/\.jinja2$/, "")}{% endblock %}`,
    );
  }
  const fragments = new Set([
    ...Object.values(kernelciImages).flatMap((i) => i.fragments),
    ...toolchains.flatMap((t) => t.fragments),
    "kernelci",
  ]);
  for (const fragment of fragments) {
    const arg = fragmentArgs[fragment];
    write(
      path.join(dockerDir, `fragment/${fragment}.jinja2`),
      arg ? `ARG ${arg}\nRUN echo $${arg}` : `RUN ${fragment}`,
    );
  }
}

/** The files of `writeTemplates`, by path under a repository (`config/docker/...`), for a commit. */
export function templateFiles(toolchains: Toolchain[]): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-templates-"));
  try {
    writeTemplates(dir, toolchains);
    const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    return Object.fromEntries(
      files.map((e) => {
        const full = path.join(e.parentPath, e.name);
        return [path.join("config/docker", path.relative(dir, full)), fs.readFileSync(full, "utf8")];
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cache = new Map<string, string>();

/**
 * A directory of git checkouts of kernelci-core (with synthetic templates for `toolchains`),
 * kernelci-api and kernelci-pipeline, one commit each: what images.sourceDir holds.
 */
export function syntheticCheckouts(entries: Partial<Toolchain>[]): string {
  const toolchains = entries.map((t) => ({
    image: t.image ?? "",
    arches: t.arches ?? [],
    fragments: t.fragments ?? [],
  }));
  const key = JSON.stringify(toolchains);
  const cached = cache.get(key);
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-checkouts-"));
  for (const repo of ["kernelci-core", "kernelci-api", "kernelci-pipeline"]) {
    const checkout = path.join(dir, repo);
    if (repo === "kernelci-core") writeTemplates(path.join(checkout, "config/docker"), toolchains);
    else write(path.join(checkout, "README"), repo);
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", checkout, ...args], {
        stdio: "pipe",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.org",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.org",
          GIT_AUTHOR_DATE: "2026-01-05T09:00:00Z",
          GIT_COMMITTER_DATE: "2026-01-05T09:00:00Z",
        },
      });
    git("init", "--quiet", "--initial-branch=main");
    git("add", "-A");
    git("commit", "--quiet", "-m", repo);
  }
  cache.set(key, dir);
  return dir;
}
