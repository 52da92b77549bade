/** The environments the program deploys (config `kernelci:environment`). */
export type Environment = "local" | "staging" | "production";
export type Enforcement = "mandatory" | "advisory";

const environments: readonly string[] = ["local", "staging", "production"];

/**
 * The environment a policy run checks: the stack's `kernelci:environment` (the CLI hands the
 * analyzer the stack config as PULUMI_CONFIG, a JSON object of plain values), otherwise the
 * stack's name. Anything else is an error naming both, rather than a guess.
 */
export function policyEnvironment(env: { PULUMI_CONFIG?: string; PULUMI_STACK?: string }): Environment {
  let configured: unknown;
  if (env.PULUMI_CONFIG) {
    try {
      configured = (JSON.parse(env.PULUMI_CONFIG) as Record<string, unknown>)["kernelci:environment"];
    } catch {
      throw new Error("kernelci policy pack: PULUMI_CONFIG is not a JSON object");
    }
  }
  for (const candidate of [configured, env.PULUMI_STACK]) {
    if (typeof candidate === "string" && environments.includes(candidate)) return candidate as Environment;
  }
  throw new Error(
    `kernelci policy pack: cannot tell the environment: kernelci:environment is ${JSON.stringify(configured)} ` +
      `and the stack is ${JSON.stringify(env.PULUMI_STACK)}; expected one of ${environments.join(", ")}`,
  );
}

/** Production blocks on any violation; staging and local only report them. */
export function enforcementFor(environment: Environment): Enforcement {
  return environment === "production" ? "mandatory" : "advisory";
}
