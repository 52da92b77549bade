/**
 * `npm run bench:staging [-- --repo <git dir>] [--runs 5]`: the staging-branch benchmark on
 * the synthetic fixture and, given one, on a real repository with its refs/pull/N/head (see
 * scripts/bench/staging.ts). Prints one Markdown table.
 */
import { parseArgs } from "node:util";
import { type BenchRow, formatRows, machineLine } from "./bench/measure";
import { fixtureRepo, realRepo, stagingRows } from "./bench/staging";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repo: { type: "string" },
      runs: { type: "string", default: "5" },
      prs: { type: "string", default: "32" },
    },
  });
  const runs = Number(values.runs);
  const rows: BenchRow[] = [];
  const before = machineLine();
  rows.push(...(await stagingRows(fixtureRepo(), runs)));
  if (values.repo) rows.push(...(await stagingRows(realRepo(values.repo, Number(values.prs)), runs)));
  console.log(
    `${before}\n\n${formatRows(rows)}\n\nmedian of ${runs} runs; load average at the end: ${machineLine().split("load average ")[1]}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
