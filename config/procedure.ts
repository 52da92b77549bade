import { z } from "zod";

const minutes = z.number().positive();

/** The update procedure: kernel test revision, rootfs, drain, pipe cleaner, Jenkins seed. */
export const procedureSchema = z
  .object({
    cycle: z.enum(["full", "partial"]).default("full"),
    kernelciApiUrl: z.url().optional(),
    kernel: z
      .object({
        remote: z.string().min(1),
        trees: z
          .array(
            z.object({ name: z.string().min(1), url: z.string().min(1), branch: z.string().min(1) }).strict(),
          )
          .min(1),
        branchPrefix: z.string(),
        tagLimit: z.number().int().positive().default(20),
      })
      .strict()
      .optional(),
    drain: z
      .object({
        enabled: z.boolean(),
        timeoutMinutes: minutes.default(90),
        force: z.boolean().default(false),
      })
      .strict()
      .default({ enabled: false, timeoutMinutes: 90, force: false }),
    pipeCleaner: z
      .object({
        enabled: z.boolean(),
        timeoutMinutes: minutes.default(120),
        maxCountDropPercent: z.number().min(0).max(100).default(10),
        maxPassRateDropPoints: z.number().min(0).max(100).default(5),
        baselineCheckout: z.string().optional(),
      })
      .strict()
      .default({ enabled: false, timeoutMinutes: 120, maxCountDropPercent: 10, maxPassRateDropPoints: 5 }),
  })
  .strict()
  .default({
    cycle: "full",
    drain: { enabled: false, timeoutMinutes: 90, force: false },
    pipeCleaner: { enabled: false, timeoutMinutes: 120, maxCountDropPercent: 10, maxPassRateDropPoints: 5 },
  });
