/**
 * The local forge of the local stack: for kernelci-core, kernelci-api and kernelci-pipeline,
 * a bare "remote" repository `<dir>/<repo>.git` with main and PR heads at
 * `refs/pull/<N>/head`, its open PRs in `<dir>/<repo>.pulls.json` (trusted, untrusted,
 * labelled, off-base and conflicting ones), and local patches under `<dir>/patches/<repo>/`.
 *
 *   npx ts-node --transpile-only local/forge.ts <dir>
 *
 * Idempotent and reproducible: commits have fixed dates, so every run writes the same SHAs.
 * Other refs (the staging branch and tags pushed by `pulumi up`) are left alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { LocalPull } from "../lib/forge/local";
import { projectRoot } from "../lib/project";
import { type FileChanges, FixtureRemote, pullEntry, writePulls } from "./gitFixtures";

interface FixturePull {
  entry: LocalPull;
  changes: FileChanges;
}

interface FixtureRepo {
  name: string;
  main: FileChanges;
  pulls: FixturePull[];
  patches?: Record<string, FileChanges>;
}

/** Files of a directory, keyed by their path under `prefix`. */
function filesOf(dir: string, prefix: string): FileChanges {
  const files: FileChanges = {};
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, filesOf(full, `${prefix}${entry.name}/`));
    else files[`${prefix}${entry.name}`] = fs.readFileSync(full, "utf8");
  }
  return files;
}

const pr = (number: number, fields: Partial<LocalPull>, changes: FileChanges): FixturePull => ({
  entry: pullEntry(number, fields),
  changes,
});

function fixtureRepos(): FixtureRepo[] {
  const pipelineConfig = filesOf(path.join(projectRoot, "local/kernelci-pipeline/config"), "config/");
  return [
    {
      name: "kernelci-core",
      main: {
        "README.md": "# kernelci-core\n\nCore KernelCI tools (local forge fixture).\n",
        "kernelci/__init__.py": '__version__ = "1.0"\n',
        "kernelci/build.py": "def build(arch):\n    return f'make ARCH={arch}'\n",
        "config/core/build-configs.yaml":
          "build_configs:\n  mainline:\n    tree: mainline\n    branch: master\n",
      },
      pulls: [
        pr(
          1001,
          { title: "build: follow for-next", author: "nuclearcat" },
          {
            "config/core/build-configs.yaml":
              "build_configs:\n  mainline:\n    tree: mainline\n    branch: for-next\n",
          },
        ),
        pr(
          1002,
          { title: "build: use main (conflicts with #1001)", author: "Padovan" },
          {
            "config/core/build-configs.yaml":
              "build_configs:\n  mainline:\n    tree: mainline\n    branch: main\n",
          },
        ),
        pr(
          1003,
          { title: "Drive-by typo fix", author: "drive-by-dev" },
          {
            "README.md": "# kernelci-core\n\nCore KernelCI tools (local forge fixture)!\n",
          },
        ),
        pr(
          1004,
          { title: "WIP: new scheduler", author: "gctucker", labels: ["staging-skip"] },
          {
            "kernelci/scheduler.py": "# work in progress\n",
          },
        ),
        pr(
          1005,
          { title: "Backport to release", author: "a-wai", base: "release" },
          {
            "kernelci/release.py": "RELEASE = True\n",
          },
        ),
        pr(
          1006,
          { title: "build: clang support", author: "outside-dev", headOwner: "NuclearCat" },
          {
            "kernelci/clang.py": "CC = 'clang'\n",
          },
        ),
      ],
      patches: {
        "0001-staging-disable-bisection-emails.patch": {
          "config/core/staging.yaml": "bisection_emails: false\n",
        },
      },
    },
    {
      name: "kernelci-api",
      main: {
        "README.md": "# kernelci-api\n",
        "api/main.py": "VERSION = '0.1'\n",
        "api/models.py": "NODE_STATES = ['running', 'available', 'closing', 'done']\n",
      },
      pulls: [
        pr(
          2001,
          { title: "api: add /latest/whoami", author: "nuclearcat" },
          {
            "api/whoami.py": "def whoami(user):\n    return user\n",
          },
        ),
        pr(2002, { title: "api: experimental endpoint", author: "stranger" }, { "api/exp.py": "X = 1\n" }),
      ],
    },
    {
      name: "kernelci-pipeline",
      main: {
        "README.md": "# kernelci-pipeline\n",
        "src/trigger.py": "POLL_PERIOD = 3600\n",
        ...pipelineConfig,
      },
      pulls: [
        pr(
          3001,
          { title: "trigger: poll every 30 min", author: "padovan" },
          {
            "src/trigger.py": "POLL_PERIOD = 1800\n",
          },
        ),
        pr(
          3002,
          { title: "draft: new runtime", author: "gctucker", labels: ["staging-skip"] },
          {
            "src/runtime.py": "RUNTIME = 'new'\n",
          },
        ),
      ],
    },
  ];
}

/** A repository of a local forge: its bare remote and the file listing its open PRs. */
function forgeRepo(dir: string, name: string) {
  return {
    remote: FixtureRemote.create(path.join(dir, `${name}.git`)),
    pullsFile: path.join(dir, `${name}.pulls.json`),
  };
}

/**
 * Opens `pulls` in a repository of a local forge: their heads at `refs/pull/<N>/head` and their
 * entries in its pulls file, with the entries of `kept` that they do not replace. Their heads.
 */
function openPulls(
  { remote, pullsFile }: ReturnType<typeof forgeRepo>,
  pulls: FixturePull[],
  kept: LocalPull[] = [],
): string[] {
  const heads = pulls.map((p) => remote.pull(p.entry.number, p.changes, p.entry.title));
  const numbers = new Set(pulls.map((p) => p.entry.number));
  writePulls(pullsFile, [...kept.filter((k) => !numbers.has(k.number)), ...pulls.map((p) => p.entry)]);
  return heads;
}

/** Writes one fixture repository, its pulls file and its patches under `dir`. */
function writeRepo(dir: string, repo: FixtureRepo): void {
  const fixture = forgeRepo(dir, repo.name);
  const { remote } = fixture;
  const main = remote.commit(null, repo.main, `${repo.name}: initial import`);
  remote.setRef("refs/heads/main", main);
  if (repo.pulls.some((p) => p.entry.base === "release")) remote.setRef("refs/heads/release", main);
  openPulls(fixture, repo.pulls);
  const patchDir = path.join(dir, "patches", repo.name);
  for (const [file, changes] of Object.entries(repo.patches ?? {})) {
    fs.mkdirSync(patchDir, { recursive: true });
    fs.writeFileSync(path.join(patchDir, file), remote.patch(changes, file.replace(/^\d+-|\.patch$/g, "")));
  }
}

/** Creates (or refreshes) the local forge under `dir`; returns the repository names. */
export function createLocalForge(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const repos = fixtureRepos();
  for (const repo of repos) writeRepo(dir, repo);
  return repos.map((r) => r.name);
}

/** Adds an open PR to a repository of a local forge (tests: a new PR arrives); returns its head. */
export function addLocalPull(dir: string, repo: string, entry: LocalPull, changes: FileChanges): string {
  const fixture = forgeRepo(dir, repo);
  const kept = JSON.parse(fs.readFileSync(fixture.pullsFile, "utf8")) as LocalPull[];
  return openPulls(fixture, [{ entry, changes }], kept)[0];
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: npx ts-node --transpile-only local/forge.ts <dir>");
    process.exit(2);
  }
  const repos = createLocalForge(path.resolve(dir));
  console.log(`local forge ready in ${path.resolve(dir)}: ${repos.join(", ")}`);
}
