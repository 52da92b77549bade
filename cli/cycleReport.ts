import * as fs from "node:fs";
import * as path from "node:path";
import {
  cycleReport,
  failureState,
  pendingOperations,
  type StateResource,
  stateResources,
} from "../lib/report/cycleReport";
import { parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";

export const cycleReportUsage = `usage: kci-deploy cycle-report --stack <name> --before <export.json> --after <export.json>
         [--failed] [--out <file>] [--summary <file>]

Writes the report of one \`pulumi up\` (merged PRs, images, rollouts, kernel test revision, pipe
cleaner) from \`pulumi stack export\` taken before and after it: to stdout, to --out (replaced)
and appended to --summary (e.g. $GITHUB_STEP_SUMMARY). A missing --before counts as an empty
stack. --failed adds what a failed update left behind (a paused trigger, pending
operations). Exit codes: 0 written, 2 bad usage or unreadable export.
`;

function readExport(file: string, optional: boolean): { resources: StateResource[]; pending: string[] } {
  if (optional && !fs.existsSync(file)) return { resources: [], pending: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read the stack export ${file}: ${(err as Error).message}`);
  }
  try {
    return { resources: stateResources(parsed, file), pending: pendingOperations(parsed) };
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
    failed: { type: "boolean", default: false },
  });
  const at = (file: string) => path.resolve(io.cwd, file);
  const before = readExport(at(required(o.before, "before")), true);
  const after = readExport(at(required(o.after, "after")), false);
  const report =
    cycleReport(required(o.stack, "stack"), before.resources, after.resources) +
    (o.failed ? failureState(before.resources, after.resources, after.pending) : "");
  io.stdout(report);
  if (o.out) fs.writeFileSync(at(o.out), report);
  if (o.summary) fs.appendFileSync(at(o.summary), report);
  return 0;
}
