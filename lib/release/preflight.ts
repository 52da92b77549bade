import * as fs from "node:fs";
import * as path from "node:path";
import { simpleGit } from "simple-git";
import { kernelciImages } from "../../components/imageNames";
import { KciError } from "../errors";

/** The repositories production builds and deploys from (their checkouts under images.sourceDir). */
export const productionComponents = [...new Set(Object.values(kernelciImages).map((s) => s.repo))].sort();

/**
 * Release tags as kernelci-core, kernelci-api and kernelci-pipeline name them upstream:
 * `production-<YYYYMMDDhhmmss>` (e.g. production-20260806083049 on kernelci-core commit
 * 99ffe3d96fad).
 */
export const defaultReleaseTagPattern = "^production-[0-9]{14}$";

export interface ComponentRevision {
  name: string;
  /** The commit the component's production branch will point to. */
  commit: string;
  /** Tags on that commit. */
  tags: string[];
}

export interface PreflightVerdict {
  ready: { name: string; commit: string; tag: string }[];
  missing: { name: string; commit: string }[];
}

/** Which components carry a release tag on their commit (the newest by name when several). */
export function releaseVerdict(revisions: ComponentRevision[], pattern: RegExp): PreflightVerdict {
  const verdict: PreflightVerdict = { ready: [], missing: [] };
  for (const { name, commit, tags } of revisions) {
    const tag = tags
      .filter((t) => pattern.test(t))
      .sort()
      .pop();
    if (tag) verdict.ready.push({ name, commit, tag });
    else verdict.missing.push({ name, commit });
  }
  return verdict;
}

/** The pre-flight summary (Markdown), for the job summary and the failure message. */
export function preflightReport(verdict: PreflightVerdict, pattern: string): string {
  const rows = [
    ...verdict.ready.map((c) => `| ${c.name} | \`${c.commit.slice(0, 12)}\` | ${c.tag} |`),
    ...verdict.missing.map(
      (c) =>
        `| ${c.name} | \`${c.commit.slice(0, 12)}\` | **none** (expected a tag matching \`${pattern}\`) |`,
    ),
  ];
  const conclusion = verdict.missing.length
    ? `Not ready: ${verdict.missing.map((c) => c.name).join(", ")} ha${verdict.missing.length > 1 ? "ve" : "s"} no release tag on the commit to deploy. Tag the commit (or check out the tagged one) and run again; nothing was deployed.`
    : "Every component has a release tag on the commit to deploy.";
  return ["| component | commit | release tag |", "| --- | --- | --- |", ...rows, "", conclusion, ""].join(
    "\n",
  );
}

/** The checked-out commit of a component and its tags; an error names a missing checkout. */
export async function readComponentRevision(name: string, dir: string): Promise<ComponentRevision> {
  if (!fs.existsSync(path.join(dir, ".git"))) {
    throw new KciError("input", `${name}: no git checkout at ${dir} (images.sourceDir/${name})`);
  }
  const git = simpleGit(dir);
  const commit = (await git.revparse(["HEAD"])).trim();
  const tags = (await git.raw(["tag", "--points-at", commit])).split("\n").filter(Boolean);
  return { name, commit, tags };
}
