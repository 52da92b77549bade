import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { syntheticCheckouts } from "./dockerTemplates";
import { repoRoot } from "./engine";

export type StackName = "local" | "staging" | "production";

/** A resource as the program registered it with the (mocked) engine. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  urn: string;
  /** URNs this resource waits for: its dependsOn and the resources its inputs come from. */
  dependencies: string[];
}

// Pulumi's mocks hand `newResource` neither the URN nor the dependencies of a registration:
// record them from the mock monitor's requests, keyed by type and name.
type RegisterRequest = { getType(): string; getName(): string; getDependenciesList(): string[] };
type RegisterCallback = (err: unknown, res?: { getUrn(): string }) => void;
const registrations = new Map<string, { urn: string; dependencies: string[] }>();
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const registerResource = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (req: RegisterRequest, callback: RegisterCallback) {
  return registerResource.call(this, req, (err: unknown, res?: { getUrn(): string }) => {
    if (res) {
      registrations.set(`${req.getType()}::${req.getName()}`, {
        urn: res.getUrn(),
        dependencies: req.getDependenciesList(),
      });
    }
    callback(err, res);
  });
};

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

/**
 * Recognisable values for every secret, so tests can look for them where they must not be.
 * Keys, labs and Actions secrets follow the stack's own (plain) configuration.
 */
export function plantedSecrets(plain: Record<string, unknown>): Record<string, unknown> {
  const labs = Object.keys((plain["kernelci:labs"] as Record<string, unknown>) ?? {});
  const github = plain["kernelci:github"] as { workflows?: { secrets?: string[] } } | undefined;
  const s = (key: string) => `PLANTED-${key}-5ecret`;
  return {
    "kernelci:secrets": {
      apiSecretKey: s("apiSecretKey"),
      adminPassword: s("adminPassword"),
      apiToken: s("apiToken"),
      storageJwtSecret: s("storageJwtSecret"),
      mongoUri: s("mongoUri"),
      storageAzureAccount: s("storageAzureAccount"),
      storageAzureKey: s("storageAzureKey"),
      storageAzureSasToken: s("storageAzureSasToken"),
      smtpPassword: s("smtpPassword"),
      kcidbCredentials: s("kcidbCredentials"),
      kcidbRest: s("kcidbRest"),
      pipelineJwtSecret: s("pipelineJwtSecret"),
      sshKey: s("sshKey"),
      githubToken: s("githubToken"),
      githubAdminToken: s("githubAdminToken"),
      webhookSecret: s("webhookSecret"),
      jenkinsAdminPassword: s("jenkinsAdminPassword"),
      buildKubeconfig: s("buildKubeconfig"),
      buildCredentials: Buffer.from(s("buildCredentials")).toString("base64"),
    },
    "kernelci:labTokens": Object.fromEntries(
      labs.map((lab) => [lab, { token: s(`${lab}-token`), callbackToken: s(`${lab}-callback`) }]),
    ),
    "kernelci:actionsSecrets": Object.fromEntries(
      (github?.workflows?.secrets ?? []).map((name) => [name, s(name)]),
    ),
  };
}

/** The plain (non-secure) configuration of a committed stack file, key -> value. */
export function stackFileConfig(stack: StackName): Record<string, unknown> {
  const file = parse(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8"));
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config ?? {})) {
    const isSecure = JSON.stringify(value).includes('"secure"');
    if (!isSecure) config[key] = value;
  }
  return config;
}

/** The keys of the stack configuration that are Pulumi secrets. */
export const secretConfigKeys = ["kernelci:secrets", "kernelci:labTokens", "kernelci:actionsSecrets"];
export const isSecretConfigKey = (key: string) => secretConfigKeys.includes(key);

/**
 * A committed stack's configuration as Pulumi hands it to the program (key -> string): the
 * stack file's plain values plus planted secrets, after `edit` (setting a key to undefined
 * deletes it).
 */
export function rawStackConfig(
  stack: StackName,
  edit: (config: Record<string, unknown>) => void = () => undefined,
): Record<string, string> {
  const plain = stackFileConfig(stack);
  const config: Record<string, unknown> = { ...plain, ...plantedSecrets(plain) };
  edit(config);
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

/** The value of an output (or plain value), for assertions. */
export function promiseOf<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

export interface ProgramRun {
  resources: Registered[];
  outputs: Record<string, unknown>;
}

/**
 * Runs index.ts under Pulumi's mocks with a stack's configuration (plus planted secrets and
 * `overrides`, key -> value, undefined deletes) and returns what it registered.
 */
export async function runProgram(
  stack: StackName,
  overrides: Record<string, unknown> = {},
  /** `build` stands for the contents images are built from: another build, other digests. */
  options: { preview?: boolean; build?: string } = {},
): Promise<ProgramRun> {
  const config = rawStackConfig(stack, (c) => {
    // Stacks that build render their Dockerfiles from synthetic kernelci-core templates.
    const images = c["kernelci:images"] as { build: boolean; toolchains?: [] } | undefined;
    if (images?.build)
      c["kernelci:images"] = { ...images, sourceDir: syntheticCheckouts(images.toolchains ?? []) };
    Object.assign(c, overrides);
  });
  const registered: Omit<Registered, "urn" | "dependencies">[] = [];
  registrations.clear();
  await pulumi.runtime.setMocks(
    {
      // Answer as the docker provider would: a pushed image's repo digest, a tag's registry digest.
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state =
          args.type === "docker:index/image:Image"
            ? {
                ...args.inputs,
                repoDigest: `${String(args.inputs.imageName).split(":")[0]}@${sha256(`${options.build ?? ""}${args.inputs.imageName}`)}`,
              }
            : args.inputs;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "docker:index/getRegistryImage:getRegistryImage") {
          return { ...args.inputs, sha256Digest: sha256(String(args.inputs.name)) };
        }
        // As the github provider would: a team found by its slug, with a numeric id.
        if (args.token === "github:index/getTeam:getTeam") return { ...args.inputs, id: "4242" };
        return args.inputs;
      },
    },
    "kernelci",
    stack,
    options.preview ?? false,
  );
  pulumi.runtime.setAllConfig(config, secretConfigKeys);
  // No git revision exists under mocks: deploy the committed fixture of kernelci-pipeline config/.
  process.env.KCI_PIPELINE_CONFIG_DIR ??= path.join(repoRoot, "local/kernelci-pipeline/config");
  const program: { exports: Record<string, unknown> } = { exports: {} };
  jest.isolateModules(() => {
    program.exports = require(path.join(repoRoot, "index"));
  });
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
  const resources = registered.map((r) => ({
    ...r,
    ...(registrations.get(`${r.type}::${r.name}`) ?? { urn: "", dependencies: [] }),
  }));
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program.exports)) {
    outputs[key] = await promiseOf(value);
  }
  return { resources, outputs };
}

/** Pulumi hands a secret value over wrapped in an object carrying this signature key. */
export const PULUMI_SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** `value` with every Pulumi secret (allowed: encrypted in state) replaced by "[secret]". */
export function redactPulumiSecrets(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  if (PULUMI_SECRET_SIGNATURE in value) return "[secret]";
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactPulumiSecrets(v)]));
}
