import { parse } from "smol-toml";
import { configChecksum } from "../../pipeline/configChecksum";
import { renderKernelciToml } from "../../pipeline/kernelciToml";
import { configMapEntries } from "../../pipeline/pipeline";
import { type PipelineServicesInput, paths, pipelineServices, secretKeys } from "../../pipeline/services";

const input: PipelineServicesInput = {
  trees: ["mainline", "next"],
  tarballVolumeSize: "50Gi",
  callbackHost: "callback.example.org",
  apiUrl: "http://api.kernelci-api.svc.cluster.local:8000",
  schedulers: {
    shell: true,
    docker: false,
    kubernetes: ["aks-1", "aks-2"],
    lava: [
      { name: "collabora", labs: ["lava-collabora"] },
      { name: "partners", labs: ["lava-baylibre", "lava-cip"] },
    ],
  },
  kcidb: false,
};
const byName = (specs: ReturnType<typeof pipelineServices>) => new Map(specs.map((s) => [s.name, s]));

describe("the pipeline service table", () => {
  it("has one LAVA scheduler per lab group, serving exactly that group's labs", () => {
    const services = byName(pipelineServices(input));
    expect(services.get("scheduler-lava-partners")?.command.slice(-3)).toEqual([
      "--runtimes",
      "lava-baylibre",
      "lava-cip",
    ]);
    expect(services.get("scheduler-lava-collabora")?.command.slice(-2)).toEqual([
      "--runtimes",
      "lava-collabora",
    ]);
    expect([...services.keys()].filter((n) => n.startsWith("scheduler-"))).toEqual([
      "scheduler-shell",
      "scheduler-k8s",
      "scheduler-lava-collabora",
      "scheduler-lava-partners",
    ]);
  });

  it("adds pipeline-kcidb with its credentials only when kcidb is enabled", () => {
    expect(byName(pipelineServices(input)).has("pipeline-kcidb")).toBe(false);
    const kcidb = byName(pipelineServices({ ...input, kcidb: true })).get("pipeline-kcidb");
    expect(kcidb?.secrets).toContain(secretKeys.kcidbCredentials);
  });

  it("mounts tarball's persistent volume where kernelci.toml tells it to clone the kernel", () => {
    const tarball = byName(pipelineServices(input)).get("tarball");
    const toml = parse(
      renderKernelciToml({
        apiConfig: "a",
        storageConfig: "s",
        pollPeriodSeconds: 60,
        storageToken: "t",
        labTokens: {},
      }),
    ) as { tarball: { kdir: string } };
    expect(tarball?.volume).toEqual({
      kind: "persistent",
      mountPath: "/home/kernelci/data/src",
      size: "50Gi",
    });
    expect(toml.tarball.kdir.startsWith(`${tarball?.volume?.mountPath}/`)).toBe(true);
    expect(tarball?.command).toContain(`--settings=${paths.settings}/${secretKeys.settings}`);
  });

  it("polls the configured trees and serves the callback over HTTP", () => {
    const services = byName(pipelineServices(input));
    expect(services.get("trigger")?.command).toContain("--trees=mainline,next");
    expect(services.get("lava-callback")?.http).toEqual({ port: 8000, host: "callback.example.org" });
    expect(services.get("monitor")?.mountsConfig).toBe(false);
  });

  it("gives every service resources and a probe", () => {
    for (const spec of pipelineServices({
      ...input,
      kcidb: true,
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
    storageConfig: "staging",
    pollPeriodSeconds: 3600,
    storageToken: "upload-token",
    labTokens: {
      "lava-b": { token: "tb", callbackToken: "cb" },
      "lava-a": { token: "ta", callbackToken: "ca" },
    },
  };

  it("names the API and storage instances and holds every lab's tokens", () => {
    const toml = parse(renderKernelciToml(settings)) as Record<string, Record<string, unknown>>;
    expect(toml.DEFAULT).toMatchObject({ api_config: "staging", storage_config: "staging" });
    expect(toml.trigger.poll_period).toBe(3600);
    expect(toml.storage).toEqual({ staging: { storage_cred: "upload-token" } });
    expect(toml.runtime).toEqual({
      "lava-a": { runtime_token: "ta", callback_token: "ca" },
      "lava-b": { runtime_token: "tb", callback_token: "cb" },
    });
    expect(toml.send_kcidb).toBeUndefined();
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
