import { containerHealth } from "../../policy/containerHealth";
import { enforcementFor, policyEnvironment } from "../../policy/environment";
import { imagesPinnedByDigest } from "../../policy/imageDigest";
import { ingressTls } from "../../policy/ingressTls";
import { kernelciPolicyPack, knownValues, resourceRules } from "../../policy/pack";
import { secretDataOutsideSecrets, secretEnvFromSecrets } from "../../policy/secretData";
import { singleReplicaRecreate } from "../../policy/singleReplica";
import type { CheckedResource } from "../../policy/workloads";
import { runProgram, type StackName } from "../support/mockProgram";

const digest = `docker.io/kernelci/api@sha256:${"a".repeat(64)}`;
const healthy = {
  name: "api",
  image: digest,
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  readinessProbe: { httpGet: { port: 8001, path: "/" } },
};

function deployment(name: string, containers: object[], spec: object = {}): CheckedResource {
  return {
    type: "kubernetes:apps/v1:Deployment",
    name,
    props: {
      metadata: { name, namespace: "kernelci-api", labels: { "app.kubernetes.io/name": name } },
      spec: { replicas: 1, strategy: { type: "Recreate" }, template: { spec: { containers } }, ...spec },
    },
  };
}

const ingress = (tls: object[] | undefined): CheckedResource => ({
  type: "kubernetes:networking.k8s.io/v1:Ingress",
  name: "api",
  props: {
    metadata: { name: "api", namespace: "kernelci-api" },
    spec: { tls, rules: [{ host: "api.kernelci.org" }] },
  },
});

describe("production-images-pinned-by-digest", () => {
  const tagged = deployment("api", [{ ...healthy, image: "kernelci/api:latest" }]);

  it("rejects a production container whose image is a tag, naming it", () => {
    expect(imagesPinnedByDigest(tagged, "production")).toEqual([
      'Deployment kernelci-api/api: container "api" runs image "kernelci/api:latest", not pinned by digest (expected name@sha256:<64 hex>)',
    ]);
  });

  it("checks init containers and CronJobs too", () => {
    const cron: CheckedResource = {
      type: "kubernetes:batch/v1:CronJob",
      name: "c",
      props: {
        spec: {
          jobTemplate: {
            spec: {
              template: { spec: { initContainers: [{ name: "i", image: "x:1" }], containers: [healthy] } },
            },
          },
        },
      },
    };
    expect(imagesPinnedByDigest(cron, "production")).toHaveLength(1);
  });

  it("passes digests on production and anything on staging and local", () => {
    expect(imagesPinnedByDigest(deployment("api", [healthy]), "production")).toEqual([]);
    expect(imagesPinnedByDigest(tagged, "staging")).toEqual([]);
    expect(imagesPinnedByDigest(tagged, "local")).toEqual([]);
  });
});

describe("containers-requests-limits-readiness", () => {
  it("names each missing request, limit and probe", () => {
    const bare = deployment("worker", [{ name: "w", image: digest, resources: { requests: { cpu: "1" } } }]);
    expect(containerHealth(bare)).toEqual([
      'Deployment kernelci-api/worker: container "w" has no resources.requests.memory',
      'Deployment kernelci-api/worker: container "w" has no resources.limits.cpu or memory',
      'Deployment kernelci-api/worker: container "w" has no readinessProbe',
    ]);
  });

  it("asks init containers and Jobs for resources but no probe", () => {
    const init = { name: "wait", image: digest, resources: healthy.resources };
    const withInit = deployment("api", [healthy], {
      template: { spec: { initContainers: [init], containers: [healthy] } },
    });
    expect(containerHealth(withInit)).toEqual([]);
    const job: CheckedResource = {
      type: "kubernetes:batch/v1:Job",
      name: "j",
      props: { spec: { template: { spec: { containers: [{ ...healthy, readinessProbe: undefined }] } } } },
    };
    expect(containerHealth(job)).toEqual([]);
    expect(
      containerHealth({ ...job, props: { spec: { template: { spec: { containers: [{ name: "x" }] } } } } }),
    ).toHaveLength(2);
  });
});

describe("secret data", () => {
  it("rejects a credential-named variable written as a value, and accepts a secretKeyRef", () => {
    const leaky = deployment("api", [{ ...healthy, env: [{ name: "KCI_API_TOKEN", value: "abc" }] }]);
    expect(secretEnvFromSecrets(leaky)).toEqual([
      'Deployment kernelci-api/api: container "api" sets KCI_API_TOKEN as a plain value; read it from a Secret (valueFrom.secretKeyRef)',
    ]);
    const safe = deployment("api", [
      {
        ...healthy,
        env: [
          { name: "KCI_API_TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "token" } } },
          { name: "REDIS_HOST", value: "redis" },
          { name: "GOOGLE_APPLICATION_CREDENTIALS", value: "/etc/kcidb/credentials.json" },
        ],
      },
    ]);
    expect(secretEnvFromSecrets(safe)).toEqual([]);
  });

  const secret: CheckedResource = {
    type: "kubernetes:core/v1:Secret",
    name: "api-secret",
    props: {
      metadata: { name: "api-secret", namespace: "kernelci-api" },
      stringData: { "secret-key": "s3cr3t-value-1234" },
      data: { token: Buffer.from("encoded-token-5678").toString("base64") },
    },
  };

  it("finds a Secret's value (stringData or decoded data) in a ConfigMap or plain env, without printing it", () => {
    const configMap: CheckedResource = {
      type: "kubernetes:core/v1:ConfigMap",
      name: "cfg",
      props: {
        metadata: { name: "cfg", namespace: "kernelci-api" },
        data: { "api.toml": 'key = "s3cr3t-value-1234"' },
      },
    };
    const env = deployment("api", [{ ...healthy, env: [{ name: "SETTING", value: "encoded-token-5678" }] }]);
    const violations = secretDataOutsideSecrets([secret, configMap, env]);
    expect(violations).toEqual([
      "ConfigMap kernelci-api/cfg key api.toml holds the value of Secret kernelci-api/api-secret key secret-key: mount or reference the Secret instead",
      'Deployment kernelci-api/api: container "api" env SETTING holds the value of Secret kernelci-api/api-secret key token: mount or reference the Secret instead',
    ]);
    expect(violations.join("\n")).not.toMatch(/s3cr3t|encoded-token/);
  });

  it("passes ConfigMaps and env without Secret values", () => {
    const configMap: CheckedResource = {
      type: "kubernetes:core/v1:ConfigMap",
      name: "cfg",
      props: { data: { "api.toml": 'url = "https://api.kernelci.org"' } },
    };
    expect(secretDataOutsideSecrets([secret, configMap, deployment("api", [healthy])])).toEqual([]);
  });
});

describe("api-and-bot-single-replica-recreate", () => {
  it("rejects two replicas or a rolling update of the API or the bot", () => {
    expect(singleReplicaRecreate(deployment("api", [healthy], { replicas: 2 }))).toEqual([
      "Deployment kernelci-api/api runs 2 replicas; it must run exactly 1",
    ]);
    expect(singleReplicaRecreate(deployment("kernelci-bot", [healthy], { strategy: undefined }))).toEqual([
      "Deployment kernelci-api/kernelci-bot updates with RollingUpdate; it must use the Recreate strategy",
    ]);
    // components/bot.ts names the staging bot's Deployment kcibot.
    expect(singleReplicaRecreate(deployment("kcibot", [healthy], { replicas: 2 }))).toEqual([
      "Deployment kernelci-api/kcibot runs 2 replicas; it must run exactly 1",
    ]);
  });

  it("leaves other Deployments alone", () => {
    expect(singleReplicaRecreate(deployment("scheduler-api-proxy", [healthy], { replicas: 3 }))).toEqual([]);
    expect(singleReplicaRecreate(deployment("robot", [healthy], { replicas: 3 }))).toEqual([]);
  });
});

describe("ingress-tls", () => {
  it("rejects an Ingress without TLS, or with a host left out, outside local", () => {
    expect(ingressTls(ingress(undefined), "staging")).toEqual([
      "Ingress kernelci-api/api has no spec.tls: it would serve plain HTTP",
    ]);
    expect(ingressTls(ingress([{ hosts: ["other.kernelci.org"] }]), "production")).toEqual([
      "Ingress kernelci-api/api routes api.kernelci.org without TLS: add it to spec.tls[].hosts",
    ]);
  });

  it("passes covered hosts, and anything on the local stack", () => {
    expect(ingressTls(ingress([{ hosts: ["api.kernelci.org"] }]), "production")).toEqual([]);
    expect(ingressTls(ingress(undefined), "local")).toEqual([]);
  });
});

describe("the pack", () => {
  it("is mandatory on production and advisory elsewhere, taking the environment from the stack config", () => {
    expect(
      policyEnvironment({ PULUMI_CONFIG: '{"kernelci:environment":"production"}', PULUMI_STACK: "x" }),
    ).toBe("production");
    expect(policyEnvironment({ PULUMI_STACK: "staging" })).toBe("staging");
    expect(() => policyEnvironment({ PULUMI_STACK: "dev" })).toThrow(/stack is "dev"/);
    expect(enforcementFor("production")).toBe("mandatory");
    expect(enforcementFor("staging")).toBe("advisory");
    expect(kernelciPolicyPack("local").enforcementLevel).toBe("advisory");
    expect(kernelciPolicyPack("production").policies.map((p) => p.name)).toHaveLength(6);
  });

  it("leaves out values a preview does not know yet", () => {
    const props = new Proxy(
      { a: 1, b: { c: 2 } },
      {
        get: (target, key) => {
          if (key === "a") throw new Error("unknown");
          return Reflect.get(target, key);
        },
      },
    );
    expect(knownValues(props)).toEqual({ b: { c: 2 } });
  });
});

describe("the real stacks", () => {
  const violations = async (stack: StackName, overrides: Record<string, unknown> = {}) => {
    const { resources } = await runProgram(stack, overrides);
    const checked = resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
    return [
      ...checked.flatMap((r) => Object.values(resourceRules).flatMap((rule) => rule.check(r, stack))),
      ...secretDataOutsideSecrets(checked),
    ];
  };

  // The local stack passes on the real engine (test/engine/policy.test.ts).
  it("production passes every policy", async () => {
    expect(await violations("production")).toEqual([]);
  });

  it("staging passes every policy", async () => {
    // The GitHub forge of the staging section is exercised in stagingProgram.test.ts.
    expect(await violations("staging", { "kernelci:staging": undefined })).toEqual([]);
  });
});
