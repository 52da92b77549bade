import type { NodeResult } from "../../lib/kernelci/node";

/**
 * What the pipeline does with one checkout: its builds, and for each passing build its tests.
 * `never` marks a job that never reports (a lost lab job): only the timeout service ends it.
 */
export interface CheckoutPlan {
  builds: {
    name: string;
    result: Exclude<NodeResult, null>;
    tests: { name: string; result: NodeResult | "never" }[];
  }[];
}

export const scenarioNames = ["happy", "regression", "stuck", "drain-stuck"] as const;
export type ScenarioName = (typeof scenarioNames)[number];

const arches = ["x86_64", "arm64", "arm", "riscv"];
const suites = ["baseline", "kselftest-cpufreq", "kselftest-timers", "ltp-syscalls", "kunit"];

/** Four builds, five tests each, kunit failing: 80% of tests pass. */
function healthy(): CheckoutPlan {
  return {
    builds: arches.map((arch) => ({
      name: `kbuild-gcc-14-${arch}`,
      result: "pass",
      tests: suites.map((suite) => ({
        name: `${suite}-${arch}`,
        result: suite === "kunit" ? "fail" : "pass",
      })),
    })),
  };
}

/** Two builds fail (so half the tests never exist), and a second suite fails. */
function regressed(): CheckoutPlan {
  const plan = healthy();
  for (const build of plan.builds) {
    if (build.name.endsWith("arm") || build.name.endsWith("riscv")) {
      build.result = "fail";
      build.tests = [];
    }
    for (const test of build.tests) if (test.name.startsWith("ltp")) test.result = "fail";
  }
  return plan;
}

/** Builds pass, but the tests of the first build never report. */
function stuck(): CheckoutPlan {
  const plan = healthy();
  for (const test of plan.builds[0].tests) test.result = "never";
  return plan;
}

export interface Scenario {
  /** The plan of every checkout the trigger creates while this scenario is active. */
  plan: () => CheckoutPlan;
  /** A checkout already in the pipeline when the simulator starts (what the drain waits for). */
  inFlightAtStart: (() => CheckoutPlan) | null;
}

/**
 * - happy: every checkout completes with the healthy results; one is in flight at start and
 *   completes quickly (the drain waits for it);
 * - regression: new checkouts complete with fewer builds and tests and lower pass rates;
 * - stuck: new checkouts never complete (some tests never report);
 * - drain-stuck: the checkout in flight at start never completes (the drain never empties),
 *   new ones are healthy.
 * Every scenario starts with the reference checkout REFERENCE_CHECKOUT_ID, done, healthy.
 */
export const scenarios: Record<ScenarioName, Scenario> = {
  happy: { plan: healthy, inFlightAtStart: healthy },
  regression: { plan: regressed, inFlightAtStart: null },
  stuck: { plan: stuck, inFlightAtStart: null },
  "drain-stuck": { plan: healthy, inFlightAtStart: stuck },
};

export { healthy as healthyPlan };
