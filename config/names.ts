import { z } from "zod";
import { branchNameProblem, repoNameProblem, tagPrefixProblem } from "../lib/git/names";

/**
 * Validators shared by the configuration sections: URLs restricted to the schemes that make
 * sense for them, and git names checked by the same rules as the engines use.
 */

/** A web URL (APIs, Jenkins, labs): http or https only, never file: or javascript:. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });

/** A git remote on a mirror or a local copy (tests, air-gapped hosts) as well: also file. */
export const gitRemoteUrl = z.url({
  protocol: /^(https?|ssh|git|file)$/,
  error: "expected an https, http, ssh, git or file URL",
});

/** A git remote fetched or pushed over the network: https, http, ssh or git. */
export const gitUrl = z.url({
  protocol: /^(https?|ssh|git)$/,
  error: "expected an https, http, ssh or git URL",
});

const refine =
  (problemOf: (text: string) => string | null, what: string) => (text: string, ctx: z.RefinementCtx) => {
    const problem = problemOf(text);
    if (problem) ctx.addIssue({ code: "custom", message: `${what} ${JSON.stringify(text)} ${problem}` });
  };

/** A branch name by git's rules (git check-ref-format --branch). */
export const branchName = z.string().superRefine(
  refine((name) => {
    const problem = branchNameProblem(name);
    return problem ? `is not a valid git branch name: it ${problem}` : null;
  }, "branch"),
);

/** The prefix of dated tags: `<prefix>YYYYMMDD.N` must be a valid ref. */
export const tagPrefix = z.string().superRefine(refine(tagPrefixProblem, "tag prefix"));

/** A repository name: one directory under the work dir, never `.` or `..`. */
export const repoName = z.string().superRefine(refine(repoNameProblem, "repository"));
