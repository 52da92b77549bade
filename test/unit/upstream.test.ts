/**
 * The staging and production stacks run what upstream runs. Each expectation names the upstream
 * file (and docs/upstream.md the commit) it encodes.
 */

import { triggerWatches } from "../../pipeline/pipeCleanerTree";
import { mergedPipelineYaml } from "../../pipeline/pipelineYaml";
import { plantedSecrets, type Registered, runProgram, stackFileConfig } from "../support/mockProgram";

type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  volumeMounts?: { name: string; mountPath: string }[];
};
type Volume = {
  name: string;
  secret?: { secretName: string; items?: { key: string }[] };
  configMap?: { name: string };
};
type Pod = { containers: Container[]; volumes?: Volume[] };

const pod = (r: Registered) => (r.inputs as { spec: { template: { spec: Pod } } }).spec.template.spec;
const k8sName = (r: Registered) => (r.inputs as { metadata: { name: string } }).metadata.name;
const deployments = (resources: Registered[], namespace: string) =>
  new Map(
    resources
      .filter(
        (r) =>
          r.type === "kubernetes:apps/v1:Deployment" &&
          (r.inputs as { metadata: { namespace: string } }).metadata.namespace === namespace,
      )
      .map((r) => [k8sName(r), r]),
  );
const commandLine = (c: Container) => [...(c.command ?? []), ...(c.args ?? [])];

/** `<Secret>/<key>` and `configmap:<name>` a pod reads: its volumes and its env. */
function mountedKeys(p: Pod): string[] {
  const fromVolumes = (p.volumes ?? []).flatMap((v) =>
    v.secret
      ? (v.secret.items ?? []).map((i) => `${v.secret?.secretName}/${i.key}`)
      : v.configMap
        ? [`configmap:${v.configMap.name}`]
        : [],
  );
  const fromEnv = p.containers.flatMap((c) =>
    (c.env ?? []).flatMap((e) =>
      e.valueFrom?.secretKeyRef ? [`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : [],
    ),
  );
  return [...new Set([...fromVolumes, ...fromEnv])].sort();
}

const settings = "--settings=/secrets/kernelci.toml";
const yamlConfig = "--yaml-config=/config";
// kernelci-pipeline kube/aks/*.yaml: command lines of the production Deployments.
const upstreamCommands: Record<string, string[]> = {
  trigger: ["./src/trigger.py", settings, yamlConfig, "run", "--trees=!kernelci", "--name=trigger"],
  tarball: ["./src/tarball.py", settings, yamlConfig, "run", "--name=tarball"],
  patchset: ["./src/patchset.py", settings, yamlConfig, "run", "--name=patchset"],
  "scheduler-shell": [
    "./src/scheduler.py",
    settings,
    yamlConfig,
    "loop",
    "--name=scheduler_shell",
    "--runtimes",
    "shell",
  ],
  "scheduler-k8s": [
    "./src/scheduler.py",
    settings,
    yamlConfig,
    "loop",
    "--name=scheduler_k8s",
    "--runtime-type=kubernetes",
  ],
  "scheduler-lava": [
    "./src/scheduler.py",
    settings,
    yamlConfig,
    "loop",
    "--name=scheduler_lava",
    "--runtime-type",
    "lava",
    "pull_labs",
  ],
  timeout: ["./src/timeout.py", settings, yamlConfig, "run", "--mode=timeout"],
  closing: ["./src/timeout.py", settings, yamlConfig, "run", "--mode=closing"],
  holdoff: ["./src/timeout.py", settings, yamlConfig, "run", "--mode=holdoff"],
  monitor: ["./src/monitor.py", settings, yamlConfig, "run"],
  "pipeline-kcidb": ["./src/send_kcidb.py", settings, "run", "--name=pipeline_kcidb"],
  "lava-callback": [
    "uvicorn",
    "--app-dir",
    "src",
    "lava_callback:app",
    "--host=0.0.0.0",
    "--port=8000",
    "--proxy-headers",
    "--forwarded-allow-ips=*",
  ],
};

// What each pod reads from Secrets and ConfigMaps: kube/aks/*.yaml (kernelci-api-token/token,
// pipeline-secrets, pipeline-configmap), api-pipeline-deploy.sh (id_rsa, kcidb-credentials.json).
const token = "kernelci-api-token/token";
const toml = "pipeline-secrets/kernelci.toml";
const configMap = "configmap:pipeline-configmap";
const upstreamKeys: Record<string, string[]> = {
  trigger: [configMap, token, toml],
  tarball: [configMap, token, toml],
  patchset: [configMap, token, toml],
  "scheduler-shell": [
    configMap,
    token,
    toml,
    "pipeline-secrets/id_rsa",
    "k8scredentials/k8s-credentials.tgz",
  ],
  "scheduler-k8s": [configMap, token, toml, "k8scredentials/k8s-credentials.tgz"],
  "scheduler-lava": [configMap, token, toml],
  timeout: [configMap, token, toml],
  closing: [configMap, token, toml],
  holdoff: [configMap, token, toml],
  monitor: [configMap, token, toml],
  "pipeline-kcidb": [
    token,
    toml,
    "pipeline-secrets/kcidb-credentials.json",
    // Upstream: ConfigMap kernelci-pipeline-env; a Secret here, as it carries a token (README.md).
    "pipeline-secrets/kcidb-rest",
  ],
  "lava-callback": [configMap, token, toml],
};

describe.each(["staging", "production"] as const)("the %s stack runs what upstream runs", (stack) => {
  let resources: Registered[];
  let pipeline: Map<string, Registered>;
  beforeAll(async () => {
    ({ resources } = await runProgram(stack, { "kernelci:staging": undefined }));
    pipeline = deployments(resources, "kernelci-pipeline");
  });

  it("starts each pipeline service with upstream's command line (kernelci-pipeline kube/aks/*.yaml, docker-compose.yaml)", () => {
    const trees = stack === "staging" ? "--trees=kernelci" : "--trees=!kernelci";
    for (const [name, command] of Object.entries(upstreamCommands)) {
      const expectedCommand =
        name === "trigger" ? command.map((a) => (a.startsWith("--trees=") ? trees : a)) : command;
      const container = pod(pipeline.get(name) as Registered).containers[0];
      expect({ name, command: commandLine(container) }).toEqual({ name, command: expectedCommand });
    }
    expect(pod(pipeline.get("lava-callback") as Registered).containers[0].workingDir).toBe("/home/kernelci");
    const jobRetry = pipeline.get("job-retry");
    if (stack === "staging") {
      // docker-compose.yaml (staging.kernelci.org starts it); not in kube/aks.
      expect(commandLine(pod(jobRetry as Registered).containers[0])).toEqual([
        "./src/job_retry.py",
        settings,
        yamlConfig,
        "run",
      ]);
    } else {
      expect(jobRetry).toBeUndefined();
    }
    expect([...pipeline.keys()].filter((n) => n !== "job-retry").sort()).toEqual(
      Object.keys(upstreamCommands).sort(),
    );
  });

  it("starts the API namespace as kernelci-api kube/aks/*.yaml and kernelci-storage's Dockerfile and playbook do", () => {
    const apiNs = deployments(resources, "kernelci-api");
    const api = pod(apiNs.get("api") as Registered).containers[0];
    // kube/aks/api.yaml: uvicorn api.main:versioned_app --port 8000 --host 0.0.0.0 (one worker: the default).
    expect(commandLine(api).slice(0, 2)).toEqual(["uvicorn", "api.main:versioned_app"]);
    expect(commandLine(api)).toEqual(expect.arrayContaining(["--host", "0.0.0.0", "--port", "8000"]));
    // api/config.py: access_token_expire_seconds defaults to ten years.
    expect(api.env).toContainEqual({ name: "ACCESS_TOKEN_EXPIRE_SECONDS", value: "315360000" });
    // kernelci-storage Dockerfile: CMD kernelci-storage in WORKDIR /workdir; playbook: KCI_STORAGE_CONFIG.
    const storage = pod(apiNs.get("kernelci-storage") as Registered);
    expect(commandLine(storage.containers[0])).toEqual([]);
    expect(storage.containers[0].volumeMounts).toContainEqual(
      expect.objectContaining({ mountPath: "/workdir" }),
    );
    expect(storage.containers[0].env).toContainEqual(expect.objectContaining({ name: "KCI_STORAGE_CONFIG" }));
    const statefulSets = resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet");
    const image = (name: string) =>
      pod(
        statefulSets.find(
          (r) => k8sName(r) === name && JSON.stringify(r.inputs).includes("kernelci-api"),
        ) as Registered,
      ).containers[0].image;
    // kube/aks/mongo.yaml mongo:8, kube/aks/redis.yaml redis:6.2 (pinned to their digest here).
    expect(image("mongo")).toMatch(/^mongo@sha256:/);
    expect(image("redis")).toMatch(/^redis@sha256:/);
    expect((stackFileConfig(stack)["kernelci:api"] as { redis: { image: string } }).redis.image).toBe(
      "redis:6.2",
    );
  });

  it("unpacks the credentials archive in an init container into ~/.kube, ~/.config/gcloud, ~/.azure (kube/aks/scheduler-k8s.yaml)", () => {
    for (const name of ["scheduler-k8s", "scheduler-shell"]) {
      const spec = pod(pipeline.get(name) as Registered) as Pod & {
        initContainers: (Container & { command: string[] })[];
      };
      const init = spec.initContainers.find((c) => c.name === "credentials");
      expect(init?.command).toEqual(["tar", "xzf", "/tmp/k8s/k8s-credentials.tgz", "-C", "/tmp/secrets"]);
      expect(init?.volumeMounts?.map((m) => m.mountPath).sort()).toEqual(["/tmp/k8s", "/tmp/secrets"]);
      const mounts = spec.containers[0].volumeMounts as {
        name: string;
        mountPath: string;
        subPath?: string;
      }[];
      expect(mounts.filter((m) => m.name === "tmpsecrets")).toEqual([
        { name: "tmpsecrets", mountPath: "/home/kernelci/secrets" },
        { name: "tmpsecrets", mountPath: "/home/kernelci/.kube", subPath: "k8s-credentials/.kube" },
        {
          name: "tmpsecrets",
          mountPath: "/home/kernelci/.config/gcloud",
          subPath: "k8s-credentials/.config/gcloud",
        },
        { name: "tmpsecrets", mountPath: "/home/kernelci/.azure", subPath: "k8s-credentials/.azure" },
      ]);
    }
    const archive = resources.filter(
      (r) => r.type === "kubernetes:core/v1:Secret" && k8sName(r) === "k8scredentials",
    );
    expect(archive).toHaveLength(1);
  });

  it("sets the LAVA scheduler's KCI_INSTANCE and callback (kube/aks/scheduler-lava.yaml)", () => {
    const env = pod(pipeline.get("scheduler-lava") as Registered).containers[0].env ?? [];
    const values = Object.fromEntries(env.filter((e) => e.value).map((e) => [e.name, e.value]));
    expect(values).toEqual({
      KCI_INSTANCE: stack === "staging" ? "staging" : "prod",
      KCI_INSTANCE_CALLBACK:
        stack === "staging"
          ? "https://callback.staging.kernelci.org"
          : "https://kernelci-pipeline.westus3.cloudapp.azure.com",
    });
  });

  it("mounts the Secret and ConfigMap keys upstream's pods read (kube/aks/*.yaml, kubernetes/api-pipeline-deploy.sh)", () => {
    for (const [name, keys] of Object.entries(upstreamKeys)) {
      expect({ name, keys: mountedKeys(pod(pipeline.get(name) as Registered)) }).toEqual({
        name,
        keys: [...keys].sort(),
      });
    }
    const api = deployments(resources, "kernelci-api").get("api") as Registered;
    // kernelci-api kube/aks/api.yaml reads kernelci-api-secret/secret-key and email-password.
    expect(mountedKeys(pod(api))).toEqual(
      expect.arrayContaining(["api-secret/secret-key", "api-secret/email-password"]),
    );
  });

  it("runs kernelci images pushed under kci's names to Docker Hub and ghcr.io (kernelci-core .github/workflows/docker_images.yml)", () => {
    const prefix = stack === "staging" ? "staging-" : "";
    const built = resources
      .filter((r) => r.type === "docker:index/image:Image")
      .map((r) => String(r.inputs.imageName));
    expect(built).toEqual(
      expect.arrayContaining([
        `docker.io/kernelci/${prefix}kernelci`,
        `docker.io/kernelci/${prefix}kernelci:api`,
        `docker.io/kernelci/${prefix}kernelci:pipeline`,
        `docker.io/kernelci/${prefix}kernelci:lava-callback`,
        // kernelci-pipeline config/jobs.yaml pulls ghcr.io/kernelci/{image_prefix}gcc-14:arm64-kselftest-kernelci
        `docker.io/kernelci/${prefix}gcc-14:arm64-kselftest-kernelci`,
        `docker.io/kernelci/${prefix}clang-21:riscv64-kselftest-kernelci`,
        `docker.io/kernelci/${prefix}gcc-15:x86-kselftest-kernelci`,
        `docker.io/kernelci/${prefix}cvehound:kernelci`,
      ]),
    );
    const mirrored = resources
      .filter((r) => r.type === "docker:index/registryImage:RegistryImage")
      .map((r) => String(r.inputs.name));
    expect(mirrored.sort()).toEqual(built.map((name) => name.replace("docker.io/", "ghcr.io/")).sort());
    const image = (name: string) => pod(pipeline.get(name) as Registered).containers[0].image;
    expect(image("trigger")).toMatch(new RegExp(`^docker\\.io/kernelci/${prefix}kernelci@sha256:`));
    expect(image("lava-callback")).toMatch(new RegExp(`^docker\\.io/kernelci/${prefix}kernelci@sha256:`));
    expect(image("lava-callback")).not.toBe(image("trigger"));
    // kernelci-storage .github/workflows/docker.yaml: :staging for staging, :latest for production.
    const storage = deployments(resources, "kernelci-api").get("kernelci-storage") as Registered;
    expect(pod(storage).containers[0].image).toMatch(/^ghcr\.io\/kernelci\/kernelci-storage@sha256:/);
    const storageTag = (stackFileConfig(stack)["kernelci:storage"] as { image: string }).image;
    expect(storageTag).toBe(
      `ghcr.io/kernelci/kernelci-storage:${stack === "staging" ? "staging" : "latest"}`,
    );
  });

  it("builds each image with the revisions its Dockerfile declares (kernelci-core config/docker, kubernetes/api-production-update.sh)", () => {
    const args = (name: string) => {
      const image = resources.find(
        (r) => r.type === "docker:index/image:Image" && r.inputs.imageName === name,
      );
      const build = (image as Registered).inputs.build as { args: Record<string, string> };
      return Object.keys(build.args).sort();
    };
    const prefix = stack === "staging" ? "staging-" : "";
    expect(args(`docker.io/kernelci/${prefix}kernelci:api`)).toEqual(["api_rev", "core_rev"]);
    expect(args(`docker.io/kernelci/${prefix}kernelci:pipeline`)).toEqual(["core_rev", "pipeline_rev"]);
    expect(args(`docker.io/kernelci/${prefix}gcc-14:x86-kselftest-kernelci`)).toEqual(["core_rev"]);
  });

  it("has the trigger watch every branch the pipe cleaner pushes, with a build config deployed for it (kube/aks/trigger.yaml, config/trees/kernelci.yaml)", () => {
    const trigger = commandLine(pod(pipeline.get("trigger") as Registered).containers[0]);
    const trees = (trigger.find((a) => a.startsWith("--trees=")) as string).slice("--trees=".length);
    const kernel = (stackFileConfig(stack)["kernelci:procedure"] as { kernel: Record<string, unknown> })
      .kernel as {
      apiTree: string;
      remote: string;
      branchPrefix: string;
      trees: { name: string }[];
    };
    expect(triggerWatches(trees, kernel.apiTree)).toBe(true);
    const cm = resources.find(
      (r) => r.type === "kubernetes:core/v1:ConfigMap" && k8sName(r) === "pipeline-configmap",
    ) as Registered;
    const data = (cm.inputs as { data: Record<string, string> }).data;
    const items = Object.fromEntries(Object.entries(data).map(([k, v]) => [k.replaceAll("__", "/"), v]));
    const deployed = mergedPipelineYaml(items);
    expect((deployed.trees[kernel.apiTree] as { url: string }).url).toBe(kernel.remote);
    const buildConfigs = Object.values(deployed.build_configs) as { tree: string; branch: string }[];
    for (const tree of kernel.trees) {
      const branch = `${kernel.branchPrefix}${tree.name}`;
      expect({
        branch,
        built: buildConfigs.some((b) => b.tree === kernel.apiTree && b.branch === branch),
      }).toEqual({
        branch,
        built: true,
      });
    }
  });
});

describe("the credentials archive (kernelci-deploy kubernetes/api-pipeline-deploy.sh update_k8s_credentials)", () => {
  it("restarts exactly the schedulers that unpack it when it changes", async () => {
    const planted = plantedSecrets(stackFileConfig("production"));
    const withArchive = (text: string) => ({
      "kernelci:staging": undefined,
      "kernelci:secrets": {
        ...(planted["kernelci:secrets"] as object),
        buildCredentials: Buffer.from(text).toString("base64"),
      },
    });
    const annotations = async (text: string) =>
      new Map(
        [
          ...deployments((await runProgram("production", withArchive(text))).resources, "kernelci-pipeline"),
        ].map(([name, r]) => [
          name,
          JSON.stringify((r.inputs as { spec: { template: object } }).spec.template),
        ]),
      );
    const before = await annotations("archive one");
    const after = await annotations("archive two");
    const changed = [...after]
      .filter(([name, template]) => before.get(name) !== template)
      .map(([name]) => name);
    expect(changed.sort()).toEqual(["scheduler-k8s", "scheduler-shell"]);
  });
});
