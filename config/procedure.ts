import { z } from "zod";
import { branchNameProblem } from "../lib/git/names";
import { branchName, httpUrl } from "./names";

/** Minutes may be fractional: tests against the simulator use seconds. */
const minutes = z.number().positive();
const percent = z.number().min(0).max(100);

const treeSchema = z.object({ name: z.string().min(1), url: z.string().min(1), branch: branchName }).strict();

/** Kernel test revisions pushed to the KernelCI linux repository (legacy kernel.py). */
export const kernelSchema = z
  .object({
    /** The repository pushed to (kernelci/linux); a path works for local remotes. */
    remote: z.string().min(1),
    /** Upstream trees; staging rotates through them, one per full cycle. */
    trees: z.array(treeSchema).min(1),
    /** Destination branch = prefix + tree name (`staging-next`; production: `kernelci.org`). */
    branchPrefix: z.string(),
    tagLimit: z.number().int().positive().default(20),
    /** The tree name kernelci-pipeline gives `remote` (`data.kernel_revision.tree`). */
    apiTree: z.string().min(1).default("kernelci"),
    /** Root of `patches/linux/`: `<patchesDir>/<branch>/*.patch` are applied with git am. */
    patchesDir: z.string().optional(),
    /** The kept clone (default: .local/work/kernel under the project). */
    workDir: z.string().optional(),
  })
  .strict()
  .superRefine((kernel, ctx) => {
    kernel.trees.forEach((tree, i) => {
      const problem = branchNameProblem(`${kernel.branchPrefix}${tree.name}`);
      if (problem)
        ctx.addIssue({
          code: "custom",
          path: ["trees", i, "name"],
          message: `the branch ${kernel.branchPrefix}${tree.name} (branchPrefix + name) is not a valid git branch name: it ${problem}`,
        });
    });
  });

/** Polling of every wait: exponential backoff from initialSeconds, capped at maxSeconds. */
const pollSchema = z
  .object({
    initialSeconds: z.number().positive().default(10),
    maxSeconds: z.number().positive().default(120),
  })
  .strict();

const drainSchema = z
  .object({
    enabled: z.boolean().default(false),
    timeoutMinutes: minutes.default(90),
    /** On timeout, update anyway (the ids still in flight are in the Drain's outputs). */
    force: z.boolean().default(false),
    /** Checkouts created within this window are waited for. */
    recentHours: z.number().positive().default(24),
    /** Name of the trigger Deployment in the pipeline namespace. */
    triggerDeployment: z.string().min(1).default("trigger"),
    /** Legacy bisection job cancelled while draining (legacy Jenkins only). */
    bisectionJob: z.string().min(1).default("kernel-bisection"),
  })
  .strict();

const pipeCleanerSchema = z
  .object({
    enabled: z.boolean().default(false),
    timeoutMinutes: minutes.default(120),
    maxCountDropPercent: percent.default(10),
    maxPassRateDropPoints: percent.default(5),
    /** A reference checkout node id; without it the previous pipe cleaner (kept in state) is the baseline. */
    baselineCheckout: z
      .string()
      .regex(/^[0-9a-f]{24}$/, "expected a node id (24 hex digits)")
      .optional(),
    /** The Markdown report, relative to the project (default reports/pipe-cleaner-<stack>.md). */
    reportFile: z.string().optional(),
  })
  .strict();

const rootfsSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The kernelci-core workflow that builds the rootfs images (workflow_dispatch). */
    github: z
      .object({
        owner: z.string().min(1),
        repo: z.string().min(1),
        workflow: z.string().min(1),
        ref: z.string().min(1).default("main"),
        apiUrl: httpUrl.optional(),
      })
      .strict(),
    variants: z
      .array(z.object({ name: z.string().min(1), arches: z.array(z.string().min(1)).min(1) }).strict())
      .min(1),
    /** Image URL of a variant/arch: `{variant}`, `{version}` and `{arch}` are replaced. */
    urlTemplate: z.string().includes("{version}"),
    /** Build this version (YYYYMMDD.N) now; otherwise a build runs when the recipes change. */
    requestedVersion: z
      .string()
      .regex(/^\d{8}\.\d+$/, "expected YYYYMMDD.N")
      .optional(),
    /** Directory of the rootfs recipes (kernelci-core config/rootfs): its digest is an input. */
    recipesDir: z.string().optional(),
    timeoutMinutes: minutes.default(360),
  })
  .strict();

const jenkinsSeedSchema = z
  .object({
    enabled: z.boolean().default(false),
    job: z.string().min(1).default("job-dsl"),
    user: z.string().min(1).default("admin"),
    /** The kernelci-jenkins revision; without it, the head of legacy.jenkinsJobsBranch is asked for. */
    revision: z.string().min(1).optional(),
    timeoutMinutes: minutes.default(30),
  })
  .strict();

/** The update procedure: kernel test revision, rootfs, drain, pipe cleaner, Jenkins seed. */
export const procedureSchema = z
  .object({
    /** full: the kernel test revision and the pipe cleaner follow the rollout; partial: not. */
    cycle: z.enum(["full", "partial"]).default("full"),
    kernelciApiUrl: httpUrl.optional(),
    apiTimeoutSeconds: z.number().positive().default(30),
    poll: pollSchema.prefault({}),
    kernel: kernelSchema.optional(),
    drain: drainSchema.prefault({}),
    pipeCleaner: pipeCleanerSchema.prefault({}),
    rootfs: rootfsSchema.optional(),
    jenkinsSeed: jenkinsSeedSchema.prefault({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    const need = (when: boolean, present: unknown, path: string[], why: string) => {
      if (when && present === undefined) ctx.addIssue({ code: "custom", path, message: `required: ${why}` });
    };
    need(
      p.drain.enabled,
      p.kernelciApiUrl,
      ["kernelciApiUrl"],
      "procedure.drain.enabled asks the KernelCI API",
    );
    need(
      p.pipeCleaner.enabled,
      p.kernelciApiUrl,
      ["kernelciApiUrl"],
      "procedure.pipeCleaner.enabled asks the KernelCI API",
    );
    need(
      p.pipeCleaner.enabled,
      p.kernel,
      ["kernel"],
      "procedure.pipeCleaner.enabled pushes a kernel test revision",
    );
  })
  .prefault({});

export type ProcedureConfig = z.infer<typeof procedureSchema>;
