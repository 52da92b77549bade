import { z } from "zod";

/** Where PRs come from: GitHub, or a local git remote with a JSON list of PRs (local stack). */
export const forgeSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("github"),
      owner: z.string().min(1),
      /** REST API root (GitHub Enterprise); default https://api.github.com. */
      apiUrl: z.url().optional(),
      /** Where repositories are cloned from and pushed to; default https://github.com. */
      gitUrl: z.url().optional(),
    })
    .strict(),
  /** `<root>/<repo>.git` with refs/pull/<N>/head, and `<root>/<repo>.pulls.json`; relative to the project. */
  z.object({ kind: z.literal("local"), root: z.string().min(1) }).strict(),
]);

export const stagingRepoSchema = z
  .object({
    name: z.string().min(1),
    main: z.string().default("main"),
    /** Directory of local patches (`*.patch`, `*.mbx`, recursive), relative to the project. */
    patches: z.string().optional(),
  })
  .strict();

/** Staging branch assembly (seed 000, legacy pending.py), per repository. */
export const stagingSchema = z
  .object({
    forge: forgeSchema,
    repos: z.array(stagingRepoSchema).min(1),
    branch: z.string().default("staging.kernelci.org"),
    trusted: z.array(z.string().min(1)).min(1, "the trusted list is empty: no PR could ever be merged"),
    /** A GitHub team whose members are trusted (github.teams.trusted); the list stands in until it exists. */
    trustedTeam: z.string().min(1).optional(),
    skipLabel: z.string().default("staging-skip"),
    skipList: z.array(z.string()).default([]),
    skipDrafts: z.boolean().default(false),
    staleDays: z.number().int().positive().optional(),
    tagPrefix: z.string().default("staging-"),
    tagLimit: z.number().int().positive().default(20),
    /** Where working clones are kept between runs (relative to the project). */
    workDir: z.string().default(".local/staging-work"),
  })
  .strict();

export type StagingConfig = z.infer<typeof stagingSchema>;
