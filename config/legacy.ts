import { z } from "zod";

/** The legacy system (kernelci-backend, kernelci-frontend, Jenkins); production may turn it off. */
export const legacySchema = z
  .object({
    enabled: z.boolean(),
    backendHost: z.string().optional(),
    frontendHost: z.string().optional(),
    jenkinsHost: z.string().optional(),
    jenkinsUrl: z.url().optional(),
  })
  .strict()
  .default({ enabled: false });
