import * as fs from "node:fs";
import * as path from "node:path";
import { cycleReport, stateResources } from "../lib/report/cycleReport";
import { parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";

export const cycleReportUsage = `usage: kci-deploy cycle-report --stack <name> --before <export.json> --after <export.json>
         [--out <file>] [--summary <file>]

Writes the report of one \`pulumi up\` (merged PRs, images, rollouts, kernel test revision, pipe
cleaner) from \`pulumi stack export\` taken before and after it: to stdout, to --out (replaced)
and appended to --summary (e.g. $GITHUB_STEP_SUMMARY). A missing --before counts as an empty
stack. Exit codes: 0 written, 2 bad usage or unreadable export.
`;

function readExport(file: string, optional: boolean) {
  if (optional && !fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read the stack export ${file}: ${(err as Error).message}`);
  }
  try {
    return stateResources(parsed, file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function cycleReportCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseOptions(args, {
    stack: { type: "string" },
    before: { type: "string" },
    after: { type: "string" },
    out: { type: "string" },
    summary: { type: "string" },
  });
  const at = (file: string) => path.resolve(io.cwd, file);
  const report = cycleReport(
    required(o.stack, "stack"),
    readExport(at(required(o.before, "before")), true),
    readExport(at(required(o.after, "after")), false),
  );
  io.stdout(report);
  if (o.out) fs.writeFileSync(at(o.out), report);
  if (o.summary) fs.appendFileSync(at(o.summary), report);
  return 0;
}
