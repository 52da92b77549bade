import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type KciImage, kciTemplateName } from "./imageNames";

// The parameters kci passes its templates (kernelci-core kernelci/docker.py, get_dockerfile):
// `prefix`, and `fragments` as `fragment/<name>.jinja2` paths; templates are looked up by name
// in config/docker. Rendered by Jinja2 itself (Debian's python3-jinja2), so that whatever the
// templates use (extends, include, with, filters) renders as kci renders it.
const renderer = `
import json, sys
from jinja2 import Environment, FileSystemLoader, TemplateNotFound
request = json.load(sys.stdin)
env = Environment(loader=FileSystemLoader([request["dir"]]))
out = []
for image in request["images"]:
    params = {"prefix": request["prefix"], "fragments": ["fragment/%s.jinja2" % f for f in image["fragments"]]}
    try:
        out.append(env.get_template(image["template"]).render(params))
    except TemplateNotFound as e:
        sys.stderr.write("no template %s (needed by %s)" % (e.name, image["template"]))
        sys.exit(3)
json.dump(out, sys.stdout)
`;

/** Renders the Dockerfiles of `images` from the kernelci-core templates in `templateDir`, in one run. */
export function renderDockerfiles(templateDir: string, prefix: string, images: KciImage[]): string[] {
  if (images.length === 0) return [];
  const input = JSON.stringify({
    dir: templateDir,
    prefix,
    images: images.map((image) => ({ template: kciTemplateName(image), fragments: image.fragments })),
  });
  try {
    return JSON.parse(execFileSync("python3", ["-c", renderer], { input, encoding: "utf8", stdio: "pipe" }));
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === "ENOENT") {
      throw new Error(
        "rendering Dockerfiles needs python3 with Jinja2 (Debian: python3-jinja2); run scripts/setup",
      );
    }
    const detail = e.stderr?.trim().split("\n").pop() || e.message;
    throw new Error(`rendering Dockerfiles from ${templateDir} failed: ${detail}`);
  }
}

/** The kernelci-core, kernelci-api and kernelci-pipeline revisions a Dockerfile declares `ARG`s for. */
export function revisionArgs(dockerfile: string, revisions: Record<string, string>): Record<string, string> {
  const repos: Record<string, string> = {
    core_rev: "kernelci-core",
    api_rev: "kernelci-api",
    pipeline_rev: "kernelci-pipeline",
  };
  const args: Record<string, string> = {};
  for (const [arg, repo] of Object.entries(repos)) {
    if (!new RegExp(`^ARG ${arg}\\b`, "m").test(dockerfile)) continue;
    const revision = revisions[repo];
    if (!revision) throw new Error(`the Dockerfile needs ${arg} but the revision of ${repo} is unknown`);
    args[arg] = revision;
  }
  return args;
}

/**
 * A build context holding only the Dockerfile (kci builds from the Dockerfile alone): one
 * directory per content under `root`, so the context digest is the Dockerfile's.
 */
export function dockerfileContext(root: string, dockerfile: string): string {
  const dir = path.join(root, createHash("sha256").update(dockerfile).digest("hex").slice(0, 16));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), dockerfile);
  return dir;
}

/** The commit checked out in each of `repos` under `dir` (production builds from checkouts). */
export function checkoutRevisions(dir: string, repos: string[]): Record<string, string> {
  return Object.fromEntries(
    repos.map((repo) => {
      const checkout = path.join(dir, repo);
      try {
        return [
          repo,
          execFileSync("git", ["-C", checkout, "rev-parse", "HEAD"], {
            encoding: "utf8",
            stdio: "pipe",
          }).trim(),
        ];
      } catch {
        throw new Error(`images.sourceDir: ${checkout} is not a git checkout of ${repo}`);
      }
    }),
  );
}
