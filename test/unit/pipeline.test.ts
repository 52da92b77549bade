import { parse } from "smol-toml";
import { configChecksum } from "../../pipeline/configChecksum";
import { renderKernelciToml } from "../../pipeline/kernelciToml";
import { configMapEntries } from "../../pipeline/pipeline";
import { type PipelineServicesInput, pipelineServices, secretKeys } from "../../pipeline/services";

const input: PipelineServicesInput = {
  trees: "!kernelci",
  tarballVolumeSize: "50Gi",
  callbackHost: "callback.example.org",
  apiUrl: "http://api.kernelci-api.svc.cluster.local:8000",
  instance: "prod",
  jobRetry: false,
  schedulers: {
    shell: true,
    docker: false,
    kubernetes: true,
    lava: [
      { name: "lava", runtimeTypes: ["lava", "pull_labs"] },
      { name: "lava-partners", labs: ["lava-baylibre", "lava-cip"] },
    ],
    credentials: "kubeconfig",
  },
  kcidb: false,
};
const byName = (specs: ReturnType<typeof pipelineServices>) => new Map(specs.map((s) => [s.name, s]));

// Every service's whole command line is upstream.test.ts's, checked against kernelci-pipeline's
// kube/aks/*.yaml on the rendered Deployments of both stacks; here, what the input selects.
describe("the pipeline service table", () => {
  it("selects LAVA runtimes by lab type or by name, with --name (kernelci-pipeline kube/aks/scheduler-lava.yaml, src/scheduler.py cmd_loop)", () => {
    const services = byName(pipelineServices(input));
    expect(services.get("scheduler-lava-partners")?.command.slice(-4)).toEqual([
      "--name=scheduler_lava_partners",
      "--runtimes",
      "lava-baylibre",
      "lava-cip",
    ]);
    expect(services.get("scheduler-lava")?.env).toEqual([
      { name: "KCI_INSTANCE", value: "prod" },
      { name: "KCI_INSTANCE_CALLBACK", value: "https://callback.example.org" },
    ]);
    expect([...services.keys()].filter((n) => n.startsWith("scheduler-"))).toEqual([
      "scheduler-shell",
      "scheduler-k8s",
      "scheduler-lava",
      "scheduler-lava-partners",
    ]);
  });

  it("selects every kubernetes runtime and mounts the build clusters' kubeconfig if set (kube/aks/scheduler-k8s.yaml)", () => {
    const k8s = byName(pipelineServices(input)).get("scheduler-k8s");
    expect(k8s?.optionalFiles).toEqual([
      { key: secretKeys.kubeconfig, dir: "/home/kernelci/.kube", file: "config" },
    ]);
    expect(k8s?.probe).toEqual({ httpGet: { port: 8080, path: "/health" } });
  });

  it("uses the credentials archive instead of a kubeconfig when configured (kube/aks/scheduler-k8s.yaml, scheduler-shell.yaml)", () => {
    const services = byName(
      pipelineServices({ ...input, schedulers: { ...input.schedulers, credentials: "archive" } }),
    );
    expect(services.get("scheduler-k8s")?.credentialsArchive).toBe(true);
    expect(services.get("scheduler-k8s")?.optionalFiles).toBeUndefined();
    expect(services.get("scheduler-shell")?.credentialsArchive).toBe(true);
    expect(byName(pipelineServices(input)).get("scheduler-shell")?.credentialsArchive).toBe(false);
  });

  it("gives the shell scheduler its SSH key in KCI_SSH_KEY (kube/aks/scheduler-shell.yaml)", () => {
    const shell = byName(pipelineServices(input)).get("scheduler-shell");
    const file = shell?.optionalFiles?.[0];
    expect(file?.key).toBe("id_rsa");
    expect(shell?.env).toEqual([{ name: "KCI_SSH_KEY", value: `${file?.dir}/${file?.file}` }]);
  });

  it("adds pipeline-kcidb with its credentials and KCIDB_REST only when kcidb is enabled (kube/aks/pipeline-kcidb.yaml)", () => {
    expect(byName(pipelineServices(input)).has("pipeline-kcidb")).toBe(false);
    const kcidb = byName(pipelineServices({ ...input, kcidb: true })).get("pipeline-kcidb");
    expect(kcidb?.secrets).toContain(secretKeys.kcidbCredentials);
    expect(kcidb?.env).toContainEqual({ name: "KCIDB_REST", secretKey: secretKeys.kcidbRest });
    expect(kcidb?.mountsConfig).toBe(false);
  });

  it("runs job-retry only where configured (in kernelci-pipeline docker-compose.yaml, not in kube/aks)", () => {
    expect(byName(pipelineServices(input)).has("job-retry")).toBe(false);
    expect(byName(pipelineServices({ ...input, jobRetry: true })).has("job-retry")).toBe(true);
  });

  it("mounts tarball's persistent volume where kernelci.toml tells it to clone the kernel (kube/aks/tarball.yaml, config/kernelci.toml)", () => {
    const tarball = byName(pipelineServices(input)).get("tarball");
    const toml = parse(
      renderKernelciToml({
        apiConfig: "a",
        storageConfig: "s",
        pollPeriodSeconds: 60,
        storageToken: "t",
        labTokens: {},
        imagePrefix: "",
      }),
    ) as { tarball: { kdir: string } };
    expect(tarball?.volume).toEqual({
      kind: "persistent",
      mountPath: "/home/kernelci/data/src",
      size: "50Gi",
    });
    expect(toml.tarball.kdir.startsWith(`${tarball?.volume?.mountPath}/`)).toBe(true);
  });

  it("gives the trigger the configured --trees, and mounts the YAML config for the monitor (kube/aks/trigger.yaml, monitor.yaml)", () => {
    const services = byName(pipelineServices({ ...input, trees: "mainline" }));
    expect(services.get("trigger")?.command).toContain("--trees=mainline");
    expect(services.get("monitor")?.mountsConfig).toBe(true);
  });

  it("runs lava-callback from /home/kernelci with its settings, behind the callback host (kube/aks/lava-callback.yaml)", () => {
    const callback = byName(pipelineServices(input)).get("lava-callback");
    expect(callback?.workingDir).toBe("/home/kernelci");
    expect(callback?.env).toEqual([{ name: "KCI_SETTINGS", value: "/secrets/kernelci.toml" }]);
    expect(callback?.http).toMatchObject({ port: 8000, host: "callback.example.org" });
  });

  it("gives every service resources and a probe", () => {
    for (const spec of pipelineServices({
      ...input,
      kcidb: true,
      jobRetry: true,
      schedulers: { ...input.schedulers, docker: true },
    })) {
      expect(spec.resources.limits.memory).toBeTruthy();
      expect(spec.probe).toBeTruthy();
    }
  });
});

describe("kernelci.toml", () => {
  const settings = {
    apiConfig: "staging",
    storageConfig: "kci-storage",
    pollPeriodSeconds: 3600,
    storageToken: "upload-token",
    labTokens: {
      "lava-b": { token: "tb", callbackToken: "cb" },
      "lava-a": { token: "ta", callbackToken: "ca" },
    },
    imagePrefix: "staging-",
  };

  it("names the API and storage instances and holds every lab's tokens (kube/aks/kernelci-secrets.toml.example)", () => {
    const toml = parse(renderKernelciToml(settings)) as Record<string, Record<string, unknown>>;
    expect(toml.DEFAULT).toMatchObject({ api_config: "staging", storage_config: "kci-storage" });
    expect(toml.trigger.poll_period).toBe(3600);
    expect(toml.storage).toEqual({ "kci-storage": { storage_cred: "upload-token" } });
    expect(toml.runtime).toEqual({
      "lava-a": { runtime_token: "ta", callback_token: "ca" },
      "lava-b": { runtime_token: "tb", callback_token: "cb" },
    });
    expect(toml.send_kcidb).toBeUndefined();
    expect(toml.jwt).toBeUndefined();
  });

  it("carries the patchset keys, the scheduler's image_prefix and [jwt] (config/kernelci.toml, src/scheduler.py)", () => {
    const toml = parse(renderKernelciToml({ ...settings, jwtSecret: "jwt-s" })) as Record<
      string,
      Record<string, unknown>
    >;
    expect(toml.patchset).toMatchObject({
      patchset_tmp_file_prefix: "kernel-patch",
      patchset_short_hash_len: 13,
      patchset_max_patch_size_mb: 10,
      polling_delay_secs: 30,
    });
    expect(toml.scheduler.image_prefix).toBe("staging-");
    expect(toml.jwt).toEqual({ secret: "jwt-s" });
  });

  it("configures send_kcidb only when kcidb is set", () => {
    const toml = parse(
      renderKernelciToml({ ...settings, kcidb: { projectId: "p", topicName: "t", origin: "maestro" } }),
    ) as Record<string, unknown>;
    expect(toml.send_kcidb).toEqual({ kcidb_project_id: "p", kcidb_topic_name: "t", origin: "maestro" });
  });
});

describe("the config checksum", () => {
  it("ignores key order and changes with any content, key or boundary", () => {
    const base = configChecksum({ "a.yaml": "x", "b.yaml": "y" });
    expect(configChecksum({ "b.yaml": "y", "a.yaml": "x" })).toBe(base);
    expect(configChecksum({ "a.yaml": "x", "b.yaml": "y2" })).not.toBe(base);
    expect(configChecksum({ "a.yaml": "x", "c.yaml": "y" })).not.toBe(base);
    expect(configChecksum({ a: "bc" })).not.toBe(configChecksum({ ab: "c" }));
  });
});

describe("the config ConfigMap", () => {
  it("flattens nested files into valid keys and puts them back at their path", () => {
    expect(configMapEntries({ "runtime/kbuild.jinja2": "k", "pipeline.yaml": "p" })).toEqual({
      data: { "pipeline.yaml": "p", "runtime__kbuild.jinja2": "k" },
      items: [
        { key: "pipeline.yaml", path: "pipeline.yaml" },
        { key: "runtime__kbuild.jinja2", path: "runtime/kbuild.jinja2" },
      ],
    });
  });
});
