/**
 * `npm run bench [-- --repo <git dir>] [--runs 5]`: every benchmark, one Markdown table, each
 * row next to its floor or baseline measured in the same run. `--repo` adds the
 * staging-branch rows of a real repository (a mirror with refs/pull/N/head).
 */
import { benchMain } from "./bench/measure";
import { cliRows, engineRows } from "./bench/program";
import { stagingBenchRows } from "./bench/staging";

benchMain(
  async (options) => [
    ...(await cliRows(options.runs)),
    ...(await engineRows(options.runs)),
    ...(await stagingBenchRows(options)),
  ],
  "runs each",
);
