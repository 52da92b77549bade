import { z } from "zod";
import { DEFAULT_TAG_FORMAT } from "../lib/release/releaseTag";

const sha = z.string().regex(/^[0-9a-f]{40}$/, "expected a full commit SHA (40 hex digits)");
const hours = z.number().nonnegative();
/** Pulumi reads an unquoted YAML timestamp as a time and hands it over as Go prints it. */
const goTime = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2})(\d{2})(?: [A-Z]+)?$/;
const releaseTime = z.preprocess(
  (v) => (typeof v === "string" ? v.replace(goTime, "$1T$2$3:$4") : v),
  z.iso.datetime({ offset: true, message: "expected an ISO 8601 time such as 2026-11-30T09:00:00Z" }),
);
const dnsHost = z.string().regex(/^[a-z0-9.-]+$/, "expected a host name");

const componentSchema = z
  .object({
    name: z.string().min(1),
    /** Default `<release.remoteRoot>/<name>.git`. */
    remote: z.string().min(1).optional(),
    main: z.string().min(1).default("main"),
    /** With createTags: the commit of main to tag (else, if set, the tag must point to it). */
    commit: sha.optional(),
    /** This component's own version (tag), instead of the release's name. */
    tag: z.string().min(1).optional(),
    /** A legacy repository (kernelci-backend, -frontend, -jenkins): released only when legacy is enabled. */
    legacy: z.boolean().default(false),
  })
  .strict();

/** KernelCI's components, and the legacy ones (released only where the legacy system runs). */
const defaultComponents = [
  ...["kernelci-core", "kernelci-api", "kernelci-pipeline"].map((name) => ({
    name,
    main: "main",
    legacy: false,
  })),
  ...["kernelci-backend", "kernelci-frontend", "kernelci-jenkins"].map((name) => ({
    name,
    main: "main",
    legacy: true,
  })),
];

const announceSchema = z
  .object({
    to: z.array(z.email()).min(1),
    from: z.email(),
    /** The mail server; its password is `secrets.smtpPassword`. */
    smtp: z
      .object({
        host: dnsHost,
        port: z.number().int().positive().default(465),
        /** TLS from the start (465); false: STARTTLS when the server offers it (587, 25). */
        secure: z.boolean().default(true),
        user: z.string().min(1).optional(),
      })
      .strict(),
    /** A release must have been announced at least this long before `pulumi up`. */
    minHours: hours.default(24),
    /** Go on without (or too soon after) an announcement. */
    force: z.boolean().default(false),
    /** Where announcements are recorded (default `.local/release-announcements/<stack>.jsonl`). */
    recordFile: z.string().min(1).optional(),
  })
  .strict();

const forkSchema = z
  .object({
    name: z.string().min(1).default("test-definitions"),
    /** Default `<release.remoteRoot>/<name>.git`. */
    fork: z.string().min(1).optional(),
    branch: z.string().min(1).default("kernelci.org"),
    upstream: z.string().min(1).default("https://github.com/Linaro/test-definitions.git"),
    upstreamBranch: z.string().min(1).default("master"),
    tagPrefix: z.string().min(1).default("kernelci-"),
  })
  .strict();

const websiteSchema = z
  .object({
    /** Default `<release.remoteRoot>/kernelci-project.git`. */
    remote: z.string().min(1).optional(),
    /** Branch or tag of the website revision. */
    ref: z.string().min(1).default("kernelci.org"),
    /** The Hugo site inside the repository. */
    siteDir: z.string().default("kernelci.org"),
    /** Instead of Hugo: a shell command run in the site directory, `$OUT` the output directory. */
    command: z.string().min(1).optional(),
    host: dnsHost,
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a lowercase DNS label")
      .default("kernelci-website"),
    /** The web server image the built site is copied into. */
    serverImage: z.string().min(1).default("nginx:1.27-alpine"),
  })
  .strict();

const backupSchema = z
  .object({
    /** An existing PersistentVolumeClaim to write to; otherwise one named `mongo-backups` is made. */
    claim: z.string().min(1).optional(),
    size: z.string().default("100Gi"),
    image: z.string().min(1).default("mongo:8.0"),
  })
  .strict();

/**
 * A production release (seeds 001, 002): release tags and production branches of each
 * component, the change summary and its announcement, the test-definitions rebase, the
 * website and the Mongo backup before the drain. Absent: none of it.
 */
export const releaseSchema = z
  .object({
    /** One tag name for every component. */
    tag: z.string().min(1).optional(),
    /** The release time (ISO 8601), named with tagFormat when no tag is given. */
    at: releaseTime.optional(),
    tagFormat: z.string().min(1).default(DEFAULT_TAG_FORMAT),
    createTags: z.boolean().default(false),
    branch: z.string().min(1).default("kernelci.org"),
    remoteRoot: z.string().min(1).default("https://github.com/kernelci"),
    components: z.array(componentSchema).min(1).default(defaultComponents),
    /** Kept working clones (relative to the project). */
    workDir: z.string().default(".local/release-work"),
    /** The change summary in Markdown (default `reports/release-<stack>.md`). */
    summaryFile: z.string().min(1).optional(),
    announce: announceSchema.optional(),
    forks: z.array(forkSchema).default([]),
    website: websiteSchema.optional(),
    backup: backupSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.tag === undefined && r.at === undefined && r.components.some((c) => c.tag === undefined))
      ctx.addIssue({ code: "custom", path: ["at"], message: "required: name the release with at or tag" });
    if (r.createTags)
      r.components.forEach((c, i) => {
        if (c.commit === undefined)
          ctx.addIssue({
            code: "custom",
            path: ["components", i, "commit"],
            message: `required by createTags: the commit of ${c.main} to tag in ${c.name}`,
          });
      });
    const names = r.components.map((c) => c.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({ code: "custom", path: ["components", i, "name"], message: `${name} is listed twice` });
    });
  });

export type ReleaseConfig = z.infer<typeof releaseSchema>;
