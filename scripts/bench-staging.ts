/**
 * `npm run bench:staging [-- --repo <git dir>] [--runs 5]`: the staging-branch benchmark on
 * the synthetic fixture and, given one, on a real repository with its refs/pull/N/head (see
 * scripts/bench/staging.ts). Prints one Markdown table.
 */
import { benchMain } from "./bench/measure";
import { stagingBenchRows } from "./bench/staging";

benchMain(stagingBenchRows, "runs");
