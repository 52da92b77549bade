import { type Registered, runProgram } from "../support/mockProgram";

// The staging stack runs kcibot in its cluster (components/bot.ts), under Pulumi mocks.
describe("kcibot in the staging stack", () => {
  let resources: Registered[];
  beforeAll(async () => {
    ({ resources } = await runProgram("staging", { "kernelci:staging": undefined }));
  });
  // biome-ignore lint/suspicious/noExplicitAny: manifests are deep JSON, read by the assertions below
  type Manifest = Record<string, any>;
  const find = (type: string, name: string): Manifest =>
    resources.find(
      (r) => r.type === type && (r.inputs as { metadata?: { name?: string } }).metadata?.name === name,
    )?.inputs as Manifest;

  it("runs one replica, recreated, ready when /healthz answers, with its secrets from a Secret", () => {
    const d = find("kubernetes:apps/v1:Deployment", "kcibot");
    expect(d.metadata.namespace).toBe("kernelci-bot");
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.type).toBe("Recreate");
    const [c] = d.spec.template.spec.containers;
    expect(c.readinessProbe.httpGet).toEqual({ port: 8080, path: "/healthz" });
    expect(c.image).toMatch(/^docker\.io\/kernelci\/kernelci-deploy@sha256:[0-9a-f]{64}$/);
    expect(c.command).toEqual(["npx", "kci-deploy", "bot", "--config", "Pulumi.staging.yaml"]);
    expect(c.env).toEqual(
      expect.arrayContaining([
        {
          name: "KCI_BOT_WEBHOOK_SECRET",
          valueFrom: { secretKeyRef: { name: "kcibot-secrets", key: "webhook-secret" } },
        },
        {
          name: "GITHUB_TOKEN",
          valueFrom: { secretKeyRef: { name: "kcibot-secrets", key: "github-token" } },
        },
      ]),
    );
    const secret = JSON.stringify(find("kubernetes:core/v1:Secret", "kcibot-secrets"));
    expect(secret).toContain("PLANTED-webhookSecret-5ecret");
    expect(secret).toContain("PLANTED-githubToken-5ecret");
  });

  it("keeps its state on a volume, mounted where the bot section puts the state", () => {
    const claim = find("kubernetes:core/v1:PersistentVolumeClaim", "kcibot-state");
    expect(claim.spec.resources.requests.storage).toBe("5Gi");
    const d = find("kubernetes:apps/v1:Deployment", "kcibot");
    expect(d.spec.template.spec.volumes).toEqual([
      { name: "state", persistentVolumeClaim: { claimName: "kcibot-state" } },
    ]);
    expect(d.spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: "state", mountPath: "/var/lib/kcibot" },
    ]);
  });

  it("takes webhooks over HTTPS", () => {
    expect(find("kubernetes:core/v1:Service", "kcibot").spec.ports).toEqual([
      { port: 8080, targetPort: 8080 },
    ]);
    const ingress = find("kubernetes:networking.k8s.io/v1:Ingress", "kcibot");
    expect(ingress.spec.tls).toEqual([{ hosts: ["kcibot.staging.kernelci.org"], secretName: "kcibot-tls" }]);
  });
});
