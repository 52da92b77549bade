import * as fs from "node:fs";
import * as path from "node:path";
import {
  defaultReleaseTagPattern,
  preflightReport,
  productionComponents,
  readComponentRevision,
  releaseVerdict,
} from "../lib/release/preflight";
import { parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";

export const releaseCheckUsage = `usage: kci-deploy release-check --checkouts <dir> [--component <name>...]
         [--tag-pattern <regex>] [--summary <file>]

Production pre-flight: each component's checkout under <dir> (the stack's images.sourceDir) is
the commit its production branch will point to; it must carry a release tag. Components default
to ${productionComponents.join(", ")}; the pattern to ${defaultReleaseTagPattern}.
Prints (and with --summary appends to <file>) a Markdown table.
Exit codes: 0 every component is tagged, 1 some are not (nothing deployed), 2 bad usage.
`;

export async function releaseCheckCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseOptions(args, {
    checkouts: { type: "string" },
    component: { type: "string", multiple: true },
    "tag-pattern": { type: "string", default: defaultReleaseTagPattern },
    summary: { type: "string" },
  });
  const dir = path.resolve(io.cwd, required(o.checkouts, "checkouts"));
  const source = o["tag-pattern"] ?? defaultReleaseTagPattern;
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch (err) {
    throw new UsageError(`--tag-pattern: ${(err as Error).message}`);
  }
  const revisions = await Promise.all(
    (o.component ?? productionComponents).map((name) => readComponentRevision(name, path.join(dir, name))),
  );
  const verdict = releaseVerdict(revisions, pattern);
  const report = `### Production pre-flight: release tags\n\n${preflightReport(verdict, source)}`;
  io.stdout(report);
  if (o.summary) fs.appendFileSync(path.resolve(io.cwd, o.summary), report);
  return verdict.missing.length ? 1 : 0;
}
