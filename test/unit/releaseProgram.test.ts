import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FixtureRemote, git } from "../../local/gitFixtures";
import { templateFiles } from "../support/dockerTemplates";
import { type Registered, runProgram, stackFileConfig } from "../support/mockProgram";

const productionToolchains = () =>
  (
    stackFileConfig("production")["kernelci:images"] as {
      toolchains: { image: string; arches?: string[]; fragments?: string[] }[];
    }
  ).toolchains.map((t) => ({ image: t.image, arches: t.arches ?? [], fragments: t.fragments ?? [] }));

// The production program with a release over local repositories, under Pulumi's mocks: what is
// registered, and the order expressed by dependencies.

let tmp: string;
const commits: Record<string, string> = {};
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-release-program-"));
  for (const name of ["kernelci-core", "kernelci-api", "kernelci-pipeline"]) {
    const repo = FixtureRemote.create(path.join(tmp, "forge", `${name}.git`));
    repo.setRef("refs/heads/kernelci.org", repo.commitOnMain({ [name]: "1\n" }, `${name}: deployed`));
    // The release's kernelci-core holds the Docker templates its images are rendered from.
    const templates = name === "kernelci-core" ? templateFiles(productionToolchains()) : {};
    commits[name] = repo.commitOnMain({ [name]: "2\n", ...templates }, `${name}: new feature (#5)`);
  }
  const upstream = FixtureRemote.create(path.join(tmp, "upstream.git"));
  upstream.commitOnMain({ "a.yaml": "a\n" }, "upstream");
  git(tmp, ["clone", "--quiet", "--bare", upstream.dir, path.join(tmp, "forge", "test-definitions.git")]);
  const fork = FixtureRemote.create(path.join(tmp, "forge", "test-definitions.git"));
  fork.setRef(
    "refs/heads/kernelci.org",
    fork.commit(fork.resolve("refs/heads/main"), { k: "k\n" }, "kernelci"),
  );
  const site = FixtureRemote.create(path.join(tmp, "forge", "kernelci-project.git"));
  site.setRef("refs/heads/kernelci.org", site.commitOnMain({ "kernelci.org/config.toml": "" }, "site"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const release = () => ({
  at: "2026-11-30T09:00:00Z",
  createTags: true,
  remoteRoot: path.join(tmp, "forge"),
  workDir: path.join(tmp, "work"),
  summaryFile: path.join(tmp, "summary.md"),
  components: Object.entries(commits).map(([name, commit]) => ({ name, commit })),
  announce: {
    to: ["kernelci@lists.linux.dev"],
    from: "bot@kernelci.org",
    smtp: { host: "smtp.gmail.com", user: "bot@kernelci.org" },
    recordFile: path.join(tmp, "announcements.jsonl"),
  },
  forks: [{ upstream: path.join(tmp, "upstream.git"), upstreamBranch: "main" }],
  website: { host: "kernelci.org" },
  backup: { claim: "mongo-backups" },
});

const production = () => ({
  "kernelci:release": release(),
  "kernelci:images": {
    ...(stackFileConfig("production")["kernelci:images"] as object),
    sourceDir: path.join(tmp, "src"),
  },
});

const dynamic = (type: string) => `pulumi-nodejs:dynamic/kernelci:${type}`;

describe("a production release in the program", () => {
  let resources: Registered[];
  let outputs: Record<string, unknown>;
  beforeAll(async () => {
    ({ resources, outputs } = await runProgram("production", production()));
  }, 60_000);
  const find = (type: string, name?: string | RegExp) =>
    resources.filter(
      (r) =>
        r.type === type &&
        (name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name))),
    );
  const one = (type: string, name?: string | RegExp) => {
    const found = find(type, name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("plans each component's production branch at program time, after the announcement check", () => {
    const gate = one(dynamic("ReleaseAnnouncement"));
    expect(gate.inputs).toMatchObject({ minHours: 24, force: false, release: "production-20261130090000" });
    const branches = find(dynamic("ProductionBranch"));
    expect(branches.map((b) => [b.inputs.component, b.inputs.tag, b.inputs.target, b.inputs.inSync])).toEqual(
      Object.entries(commits).map(([name, commit]) => [name, "production-20261130090000", commit, false]),
    );
    for (const b of branches) expect(b.dependencies).toContain(gate.urn);
    const fork = one(dynamic("ForkRebase"));
    expect(fork.inputs).toMatchObject({
      name: "test-definitions",
      branch: "kernelci.org",
      tagPrefix: "kernelci-",
    });
    expect(fork.dependencies).toContain(gate.urn);
  });

  it("builds the images from the release commits, after the branches", () => {
    const branchOf = (name: string) => one(dynamic("ProductionBranch"), `release-${name}`).urn;
    const api = one("docker:index/image:Image", "production-images-kernelci-api");
    expect(api.dependencies).toContain(branchOf("kernelci-api"));
    // Every kernelci image is rendered from the release's kernelci-core templates (issue 8).
    expect(fs.readFileSync(path.join(tmp, "src", "kernelci-core", "kernelci-core"), "utf8")).toBe("2\n");
  });

  it("dumps Mongo after the images and before the drain, named after the release", () => {
    const job = one("kubernetes:batch/v1:Job");
    const spec = job.inputs as {
      metadata: { name: string; namespace: string };
      spec: {
        backoffLimit: number;
        template: { spec: { containers: { command: string[]; env: unknown[] }[] } };
      };
    };
    expect(spec.metadata).toMatchObject({
      name: "mongo-backup-production-20261130090000",
      namespace: "kernelci-api",
    });
    expect(spec.spec.backoffLimit).toBe(0);
    const container = spec.spec.template.spec.containers[0];
    expect(container.command[2]).toContain(
      'mongodump --uri="$MONGO_URI" --gzip --archive="/backup/production-20261130090000.archive.gz.partial"',
    );
    expect(container.env).toEqual([
      { name: "MONGO_URI", valueFrom: { secretKeyRef: { name: "mongo-backup", key: "uri" } } },
    ]);
    expect(JSON.stringify(job.inputs)).not.toContain("PLANTED-");
    const images = find("docker:index/image:Image", /^production-images-/).map((i) => i.urn);
    // Waiting for the Images component means waiting for every image it builds.
    expect(images.length).toBeGreaterThan(0);
    expect(job.dependencies).toEqual(expect.arrayContaining(images));
    for (const b of find(dynamic("ProductionBranch"))) expect(job.dependencies).toContain(b.urn);
    const drain = one(dynamic("Drain"));
    expect(drain.dependencies).toContain(job.urn);
    expect(outputs.mongoBackup).toBe("production-20261130090000.archive.gz");
  });

  it("rolls out after the drain, and publishes the website", () => {
    const drain = one(dynamic("Drain")).urn;
    const api = one("kubernetes:apps/v1:Deployment", "production-api");
    expect(api.dependencies).toContain(drain);
    const site = one("kubernetes:apps/v1:Deployment", "website");
    expect(site.dependencies).toContain(one(dynamic("WebsiteBuild")).urn);
    expect(one("kubernetes:networking.k8s.io/v1:Ingress", "website").inputs).toMatchObject({
      spec: { rules: [{ host: "kernelci.org" }] },
    });
    expect(outputs.websiteUrl).toBe("https://kernelci.org/");
  });

  it("shows the change summary as a stack output and writes it to the summary file", () => {
    const summary = fs.readFileSync(path.join(tmp, "summary.md"), "utf8");
    expect(outputs.releaseSummary).toBe(summary);
    expect(summary).toContain("- kernelci-api: new feature (#5, KernelCI Fixture)");
  });
});

describe("stacks without a release section", () => {
  it("register none of it", async () => {
    const { resources } = await runProgram("staging", { "kernelci:staging": undefined });
    expect(
      resources.filter((r) =>
        /kernelci:(ProductionBranch|ForkRebase|ReleaseAnnouncement|WebsiteBuild)$/.test(r.type),
      ),
    ).toEqual([]);
    expect(resources.filter((r) => r.type === "kubernetes:batch/v1:Job")).toEqual([]);
  });
});
