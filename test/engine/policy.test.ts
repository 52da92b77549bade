import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { engineEnv, localStack, pulumiCommand, repoRoot } from "../support/engine";

// The policy pack on the real engine, started by the CLI as `--policy-pack policy` starts it.
const policyPack = path.join(repoRoot, "policy");
const policies = [
  "production-images-pinned-by-digest",
  "containers-requests-limits-readiness",
  "secret-env-from-secrets",
  "api-and-bot-single-replica-recreate",
  "ingress-tls",
  "no-secret-data-in-configmaps-or-env",
];

describe("the policy pack on the real engine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-policy-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A stack of test/fixtures/policy-violations, configured as `environment`. */
  async function violationsStack(environment: string) {
    const workDir = path.join(dir, `violations-${environment}`);
    fs.mkdirSync(workDir, { recursive: true });
    fs.writeFileSync(
      path.join(workDir, "Pulumi.yaml"),
      `name: kernelci\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: ${path.join(repoRoot, "test/fixtures/policy-violations")}\n`,
    );
    const env = {
      ...engineEnv(),
      PULUMI_BACKEND_URL: `file://${dir}`,
      KCI_RENDER_DIR: path.join(workDir, "rendered"),
    };
    fs.writeFileSync(
      path.join(workDir, `Pulumi.${environment}.yaml`),
      `config:\n  kernelci:environment: ${environment}\n`,
    );
    return LocalWorkspace.createOrSelectStack(
      { stackName: environment, workDir },
      { envVars: env, pulumiCommand: await pulumiCommand(env) },
    );
  }

  it("blocks a production preview that breaks each policy, naming them and no secret value", async () => {
    const stack = await violationsStack("production");
    const failure = await stack.preview({ policyPacks: [policyPack] }).then(
      () => "",
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/mandatory/);
    for (const policy of policies) expect(failure).toContain(policy);
    expect(failure).toContain(
      'container "api" runs image "docker.io/kernelci/kernelci:api", not pinned by digest',
    );
    expect(failure).not.toContain("leaked-value-0123456789");
  }, 300_000);

  it("reports the same violations on staging without blocking", async () => {
    const stack = await violationsStack("staging");
    const result = await stack.preview({ policyPacks: [policyPack] });
    expect(result.stdout).toMatch(/advisory/);
    expect(result.stdout).toContain("api-and-bot-single-replica-recreate");
    expect(result.stdout).not.toContain("production-images-pinned-by-digest");
  }, 300_000);

  it("passes the local stack", async () => {
    const stack = await localStack("local", path.join(dir, "local"));
    const result = await stack.preview({ policyPacks: [policyPack] });
    expect(result.stdout).toMatch(/kernelci@v1\.0\.0/);
    expect(result.stdout).not.toMatch(/advisory|mandatory/);
  }, 300_000);
});
