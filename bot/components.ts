import { minimatch } from "minimatch";

/**
 * What a PR's changed files redeploy (seed 003: "if an update only affects test lists, there
 * may be no need to rebuild Docker images"), in the spirit of Atlantis `when_modified` and
 * Prow `run_if_changed`. Pure.
 */

/** The parts a partial deploy can redeploy on their own. */
export const COMPONENTS = ["api", "pipeline", "pipeline-config", "toolchains"] as const;
export type Component = (typeof COMPONENTS)[number];

/** Files of `repo` matching `glob` redeploy `components`; an empty list redeploys nothing. */
export interface ComponentRule {
  repo: string;
  glob: string;
  components: Component[];
}

const docs = (repo: string): ComponentRule[] => [
  { repo, glob: "**/*.md", components: [] },
  { repo, glob: "{doc,docs}/**", components: [] },
  { repo, glob: ".github/**", components: [] },
  { repo, glob: "{test,tests}/**", components: [] },
];

/**
 * Defaults for the three repositories staging merges. kernelci-core's Docker templates build
 * every image (`config/docker/`), and its Python package goes into the API and pipeline images.
 */
export const DEFAULT_RULES: ComponentRule[] = [
  ...docs("kernelci-pipeline"),
  { repo: "kernelci-pipeline", glob: "config/**/*.{yaml,yml}", components: ["pipeline-config"] },
  { repo: "kernelci-pipeline", glob: "{src,docker}/**", components: ["pipeline"] },
  { repo: "kernelci-pipeline", glob: "requirements*.txt", components: ["pipeline"] },
  ...docs("kernelci-api"),
  { repo: "kernelci-api", glob: "{api,docker,migrations}/**", components: ["api"] },
  { repo: "kernelci-api", glob: "{requirements*.txt,pyproject.toml,setup.py}", components: ["api"] },
  ...docs("kernelci-core"),
  { repo: "kernelci-core", glob: "config/docker/**", components: ["api", "pipeline", "toolchains"] },
  { repo: "kernelci-core", glob: "{kernelci,tools}/**", components: ["api", "pipeline"] },
  {
    repo: "kernelci-core",
    glob: "{kci,setup.py,pyproject.toml,requirements*.txt}",
    components: ["api", "pipeline"],
  },
  { repo: "kernelci-core", glob: "config/**/*.{yaml,yml}", components: ["pipeline"] },
];

export interface ChangedFiles {
  repo: string;
  pr: number;
  files: string[];
  /** The forge listed only part of the files (GitHub lists at most 3,000). */
  truncated: boolean;
}

/** The components one file redeploys: the union over every rule it matches; null when none does. */
export function componentsOfFile(
  repo: string,
  file: string,
  rules: readonly ComponentRule[],
): Component[] | null {
  const matching = rules.filter((r) => r.repo === repo && minimatch(file, r.glob, { dot: true }));
  if (matching.length === 0) return null;
  return COMPONENTS.filter((c) => matching.some((r) => r.components.includes(c)));
}

/**
 * What a set of PRs redeploys, and why: a file that matches no rule, or a file list the forge
 * truncated, means every component.
 */
export function componentsOf(
  prs: readonly ChangedFiles[],
  rules: readonly ComponentRule[],
): { components: Component[]; reasons: string[] } {
  const found = new Set<Component>();
  const reasons: string[] = [];
  for (const pr of prs) {
    if (pr.truncated) reasons.push(`${pr.repo}#${pr.pr}: more files than the forge lists`);
    for (const file of pr.files) {
      const components = componentsOfFile(pr.repo, file, rules);
      if (components === null) reasons.push(`${pr.repo}#${pr.pr}: ${file} matches no rule`);
      for (const c of components ?? []) found.add(c);
    }
  }
  if (reasons.length > 0) return { components: [...COMPONENTS], reasons };
  return { components: COMPONENTS.filter((c) => found.has(c)), reasons };
}

/**
 * The component a failed deploy points at, read from the engine's error (the resource or file
 * it names); null when it names none or the pipe cleaner judged the whole cycle.
 */
export function failingComponent(error: string): Component | null {
  if (/pipe.?cleaner|regression/i.test(error)) return null;
  const patterns: [Component, RegExp][] = [
    // The program's checks of the deployed config say "the deployed kernelci-pipeline config".
    ["pipeline-config", /pipeline-config|kernelci-pipeline config|config\/[\w/.-]+\.ya?ml/i],
    ["toolchains", /toolchain|\b(gcc|clang)-\d+/i],
    ["api", /kernelci-api|\bapi\b/i],
    ["pipeline", /pipeline|scheduler|trigger|tarball|lava-callback|monitor/i],
  ];
  return patterns.find(([, re]) => re.test(error))?.[0] ?? null;
}

/**
 * The PRs of a failed deploy that may have caused it: those touching the failing component (a
 * PR whose files match no rule touches everything); with no component named, all of them.
 */
export function suspectsOf(
  prs: readonly (ChangedFiles & { key: string })[],
  failing: Component | null,
  rules: readonly ComponentRule[],
): { suspects: string[]; innocent: string[] } {
  const suspects: string[] = [];
  const innocent: string[] = [];
  for (const pr of prs) {
    const touched = componentsOf([pr], rules).components;
    (failing === null || touched.includes(failing) ? suspects : innocent).push(pr.key);
  }
  return { suspects, innocent };
}
