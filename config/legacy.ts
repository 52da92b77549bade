import { z } from "zod";
import { gitUrl, httpUrl } from "./names";

const hostname = z.string().regex(/^[a-z0-9.-]+$/, "expected a host name");

const enabledSchema = z
  .object({
    enabled: z.literal(true),
    backendHost: hostname,
    frontendHost: hostname,
    jenkinsHost: hostname,
    backendImage: z.string().default("kernelci/backend:latest"),
    frontendImage: z.string().default("kernelci/frontend:latest"),
    jenkinsImage: z.string().default("jenkins/jenkins:2.504.3-lts-jdk21"),
    /** Where the deploy host reaches Jenkins (seed job, readiness); defaults to https://jenkinsHost. */
    jenkinsUrl: httpUrl.optional(),
    jenkinsHomeSize: z.string().default("20Gi"),
    /** The job-dsl seed job regenerates every job from this repository. */
    jenkinsJobsRepo: gitUrl.default("https://github.com/kernelci/kernelci-jenkins.git"),
    jenkinsJobsBranch: z.string().default("main"),
  })
  .strict();

/** The legacy system (kernelci-backend, kernelci-frontend, Jenkins); production may turn it off. */
export const legacySchema = z
  .discriminatedUnion("enabled", [enabledSchema, z.object({ enabled: z.literal(false) }).strict()])
  .default({ enabled: false });

export type LegacyConfig = z.infer<typeof enabledSchema>;
