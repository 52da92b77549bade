/**
 * An isolated copy of the local stack on the real engine, for the engine tests and the
 * benchmarks: its own file backend, project and stack files under a directory of its own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { parse, parseDocument } from "yaml";
import { LOCAL_STACK_PASSPHRASE, readEngineEnv } from "../lib/engineEnv";
import { projectRoot } from "../lib/project";
import { createLocalForge } from "./forge";

/**
 * The environment scripts/setup wrote for the real engine. The engine layer of the tests
 * always runs: without an engine it fails here, saying how to install one.
 */
export function engineEnv(): Record<string, string> {
  const env = readEngineEnv(projectRoot, { PATH: process.env.PATH });
  if (env === null) {
    throw new Error(
      `No Pulumi engine installed (${path.join(projectRoot, ".pulumi/engine.env")} is missing): run scripts/setup, then npm test again.`,
    );
  }
  return { ...env, PULUMI_CONFIG_PASSPHRASE: LOCAL_STACK_PASSPHRASE };
}

/** The project's own CLI, found where scripts/setup put it. */
export async function pulumiCommand(env = engineEnv()): Promise<PulumiCommand> {
  const bin = env.PATH.split(":")[0];
  if (!fs.existsSync(path.join(bin, "pulumi"))) {
    throw new Error(`No pulumi binary in ${bin}: run scripts/setup, then npm test again.`);
  }
  return PulumiCommand.get({ root: path.dirname(bin) });
}

type StagingSection = { repos: { name: string; patches?: string }[] } & Record<string, unknown>;

/**
 * The local stack's `kernelci:staging` section pointed at a copy of the local forge in `forge`
 * (made by createLocalForge) and working clones in `workDir`.
 */
export function localStagingConfig(forge: string, workDir: string): StagingSection {
  const local = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.local.yaml"), "utf8")).config[
    "kernelci:staging"
  ] as StagingSection;
  return {
    ...local,
    forge: { kind: "local", root: forge },
    repos: local.repos.map((repo) =>
      repo.patches === undefined ? repo : { ...repo, patches: path.join(forge, "patches", repo.name) },
    ),
    workDir,
  };
}

/** Where a test stack made by `localStack(…, dir)` renders its manifests. */
export function renderDirOf(dir: string): string {
  return path.join(dir, "rendered");
}

/**
 * A stack of this program, isolated from the checkout: its own file backend, project file and
 * stack file under `dir` (the project's `main` points back at the repository), configured like
 * the local stack, rendering to `renderDirOf(dir)` (or deploying to `cluster`), with `config` overriding plain keys
 * (`kernelci:<key>` -> value). Committed files, the user's own local stack and its fixtures
 * stay untouched: unless `config` sets them, the staging branches come from a fresh copy of
 * the local forge under `dir`, and the pipe cleaner is off (it needs a KernelCI API simulator).
 */
export async function localStack(
  stackName: string,
  dir: string,
  config: Record<string, unknown> = {},
  /** Deploy to the cluster of this kubeconfig instead of rendering manifests. */
  cluster?: string,
): Promise<Stack> {
  const workDir = path.join(dir, "project");
  fs.mkdirSync(path.join(dir, "state"), { recursive: true });
  fs.mkdirSync(workDir, { recursive: true });
  const project = parseDocument(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8"));
  project.set("main", projectRoot);
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), project.toString());

  const stackFile = parseDocument(fs.readFileSync(path.join(projectRoot, "Pulumi.local.yaml"), "utf8"));
  if (cluster === undefined) {
    stackFile.deleteIn(["config", "kernelci:kubernetes", "kubeconfig"]);
    stackFile.setIn(["config", "kernelci:kubernetes", "renderDir"], renderDirOf(dir));
  } else {
    stackFile.setIn(["config", "kernelci:kubernetes", "kubeconfig"], cluster);
  }
  if (!("kernelci:staging" in config)) {
    const forge = path.join(dir, "forge");
    if (!fs.existsSync(forge)) createLocalForge(forge);
    stackFile.setIn(
      ["config", "kernelci:staging"],
      localStagingConfig(forge, path.join(dir, "staging-work")),
    );
  }
  if (!("kernelci:procedure" in config)) {
    stackFile.setIn(["config", "kernelci:procedure", "pipeCleaner", "enabled"], false);
  }
  for (const [key, value] of Object.entries(config)) stackFile.setIn(["config", key], value);
  fs.writeFileSync(path.join(workDir, `Pulumi.${stackName}.yaml`), stackFile.toString());

  const env = { ...engineEnv(), PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}` };
  return LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    { envVars: env, pulumiCommand: await pulumiCommand(env) },
  );
}
