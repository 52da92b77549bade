import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import {
  cycleReport,
  failureState,
  pendingOperations,
  rollouts,
  type StateResource,
  stateResources,
} from "../../lib/report/cycleReport";

const deployment = (name: string, image: string): StateResource => ({
  urn: `urn:pulumi:staging::kernelci::kubernetes:apps/v1:Deployment::${name}`,
  type: "kubernetes:apps/v1:Deployment",
  outputs: {
    metadata: { name, namespace: "kernelci-pipeline" },
    spec: { template: { spec: { containers: [{ image }] } } },
  },
});

const stackOutputs = (outputs: Record<string, unknown>): StateResource => ({
  urn: "urn:pulumi:staging::kernelci::pulumi:pulumi:Stack::kernelci-staging",
  type: "pulumi:pulumi:Stack",
  outputs,
});

const branch: StateResource = {
  urn: "urn:pulumi:staging::kernelci::kernelci:index:StagingBranches$pulumi-nodejs:dynamic/kernelci:StagingBranch::api",
  type: "pulumi-nodejs:dynamic/kernelci:StagingBranch",
  outputs: {
    repo: "kernelci-api",
    head: "1234567890abcdef1234",
    tag: "staging-20261128.0",
    pushed: true,
    merged: [
      { number: 12, head: "a" },
      { number: 15, head: "b" },
    ],
    conflicts: [{ number: 14, files: ["api/main.py"] }],
  },
};

describe("the cycle report", () => {
  it("lists the workloads whose pod template changed, and the new ones", () => {
    const before = [deployment("trigger", "x@sha256:1"), deployment("scheduler", "y@sha256:1")];
    const after = [
      deployment("trigger", "x@sha256:2"),
      deployment("scheduler", "y@sha256:1"),
      deployment("tarball", "z"),
    ];
    expect(rollouts(before, after)).toEqual([
      "Deployment kernelci-pipeline/tarball (new)",
      "Deployment kernelci-pipeline/trigger",
    ]);
  });

  it("reports merged PRs, images, rollouts and the pipe cleaner of a full cycle", () => {
    const after = [
      branch,
      deployment("trigger", "x@sha256:2"),
      stackOutputs({
        images: {
          api: {
            reference: "docker.io/kernelci/staging-kernelci@sha256:ab",
            source: { repo: "kernelci-api", revision: "1234567890abcdef" },
          },
        },
        kernelTestRevision: {
          tree: "next",
          branch: "staging-next",
          commit: "c0ffee0000000000",
          tag: "staging-next-20261128.0",
        },
        pipeCleaner: {
          checkoutId: "65f0a1b2c3d4e5f60718293a",
          tree: "next",
          commit: "c0ffee0000000000",
          kinds: { kbuild: { count: 4, pass: 3, fail: 1, skip: 0, incomplete: 0, passRate: 75 } },
        },
      }),
    ];
    const report = cycleReport("staging", [deployment("trigger", "x@sha256:1")], after);
    expect(report).toContain(
      "| kernelci-api | `1234567890ab` | staging-20261128.0 (pushed) | #12 #15 | #14 |",
    );
    expect(report).toContain(
      "| api | `docker.io/kernelci/staging-kernelci@sha256:ab` | kernelci-api `1234567890ab` |",
    );
    expect(report).toContain("### Rollouts\n\n- Deployment kernelci-pipeline/trigger\n");
    expect(report).toContain(
      "Kernel test revision: next `staging-next-20261128.0` on staging-next (`c0ffee000000`).",
    );
    expect(report).toContain("Pipe cleaner: passed for checkout 65f0a1b2c3d4e5f60718293a");
    expect(report).toContain("| kbuild | 4 | 75.0% |");
  });

  it("says when nothing rolled out and no pipe cleaner ran", () => {
    const same = [deployment("trigger", "x")];
    const report = cycleReport("staging", same, [...same, stackOutputs({})]);
    expect(report).toContain("None: no pod template changed.");
    expect(report).toContain("No kernel test revision this time");
    expect(report).toContain("Pipe cleaner: not run.");
  });

  it("tells the operator a failed production update left the trigger paused, and what is pending", () => {
    const drain = (drainedAt: string): StateResource => ({
      urn: "urn:…:Drain::procedure-drain",
      type: "pulumi-nodejs:dynamic/kernelci:Drain",
      outputs: { drainedAt, trigger: { namespace: "kernelci-pipeline", name: "trigger" } },
    });
    const resume: StateResource = {
      urn: "urn:…:TriggerResume::procedure-resume",
      type: "pulumi-nodejs:dynamic/kernelci:TriggerResume",
      outputs: { resumedAt: "2026-11-20T10:00:00Z" },
    };
    const pending = pendingOperations({
      deployment: { pending_operations: [{ type: "updating", resource: { urn: "urn:…:Deployment::api" } }] },
    });
    expect(pending).toEqual(["updating of urn:…:Deployment::api"]);
    const paused = failureState(
      [drain("2026-11-20T09:00:00Z"), resume],
      [drain("2026-11-27T09:00:00Z"), resume],
      pending,
    );
    expect(paused).toContain(
      "The pipeline was drained at 2026-11-27T09:00:00Z and the trigger (kernelci-pipeline/trigger) is still scaled to 0",
    );
    expect(paused).toContain(
      "Operations left pending (run `pulumi refresh` before retrying): updating of urn:…:Deployment::api",
    );
    const resumed = failureState(
      [drain("a"), resume],
      [drain("b"), { ...resume, outputs: { resumedAt: "c" } }],
      [],
    );
    expect(resumed).toContain("The trigger was not paused by this update");
    expect(resumed).toContain("No operation was left pending.");
  });

  it("reads exports, and names a file that is not one", async () => {
    expect(stateResources({ version: 3, deployment: {} }, "x.json")).toEqual([]);
    expect(() => stateResources({ deployment: { resources: 3 } }, "x.json")).toThrow(
      "x.json: not a pulumi stack export (deployment.resources)",
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-report-"));
    try {
      fs.writeFileSync(path.join(dir, "after.json"), JSON.stringify({ deployment: { resources: [branch] } }));
      fs.writeFileSync(path.join(dir, "bad.json"), "{");
      let stderr = "";
      const io = {
        stdout: () => {},
        stderr: (t: string) => {
          stderr += t;
        },
        env: {},
        cwd: dir,
      };
      const args = ["cycle-report", "--stack", "staging", "--before", "none.json"];
      expect(await main([...args, "--after", "after.json", "--out", "r.md", "--summary", "s.md"], io)).toBe(
        0,
      );
      expect(fs.readFileSync(path.join(dir, "r.md"), "utf8")).toContain("#12 #15");
      expect(fs.readFileSync(path.join(dir, "s.md"), "utf8")).toBe(
        fs.readFileSync(path.join(dir, "r.md"), "utf8"),
      );
      expect(await main([...args, "--after", "after.json", "--failed", "--out", "f.md"], io)).toBe(0);
      expect(fs.readFileSync(path.join(dir, "f.md"), "utf8")).toContain(
        "### The update FAILED: state left behind",
      );
      expect(await main([...args, "--after", "bad.json"], io)).toBe(2);
      expect(stderr).toMatch(/cannot read the stack export .*bad\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
