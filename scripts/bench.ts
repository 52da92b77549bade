/**
 * `npm run bench [-- --repo <git dir>] [--runs 5]`: every benchmark, one Markdown table, each
 * row next to its floor or baseline measured in the same run. `--repo` adds the
 * staging-branch rows of a real repository (a mirror with refs/pull/N/head).
 */
import { parseArgs } from "node:util";
import { type BenchRow, formatRows, machineLine } from "./bench/measure";
import { cliRows, engineRows } from "./bench/program";
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
  const before = machineLine();
  const rows: BenchRow[] = [];
  rows.push(...(await cliRows(runs)));
  rows.push(...(await engineRows(runs)));
  rows.push(...(await stagingRows(fixtureRepo(), runs)));
  if (values.repo) rows.push(...(await stagingRows(realRepo(values.repo, Number(values.prs)), runs)));
  console.log(
    `${before}\n\n${formatRows(rows)}\n\nmedian of ${runs} runs each; load average at the end: ${machineLine().split("load average ")[1]}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
