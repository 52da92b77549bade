import type { PolicyPackArgs, ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { containerHealth } from "./containerHealth";
import { type Environment, enforcementFor } from "./environment";
import { imagesPinnedByDigest } from "./imageDigest";
import { ingressTls } from "./ingressTls";
import { secretDataOutsideSecrets, secretEnvFromSecrets } from "./secretData";
import { singleReplicaRecreate } from "./singleReplica";
import type { CheckedResource } from "./workloads";

/** One rule per reviewer's question; each returns its violations as messages. */
export const resourceRules: Record<
  string,
  { description: string; check: (r: CheckedResource, environment: Environment) => string[] }
> = {
  "production-images-pinned-by-digest": {
    description: "Production containers run images pinned by digest (name@sha256:…).",
    check: imagesPinnedByDigest,
  },
  "containers-requests-limits-readiness": {
    description: "Every container has cpu and memory requests and limits, and a readiness probe.",
    check: containerHealth,
  },
  "secret-env-from-secrets": {
    description: "Credential-named environment variables are read from Secrets, not written as values.",
    check: secretEnvFromSecrets,
  },
  "api-and-bot-single-replica-recreate": {
    description: "The API and bot Deployments run one replica and update with Recreate.",
    check: singleReplicaRecreate,
  },
  "ingress-tls": {
    description: "Ingresses serve every host over TLS (outside the local stack).",
    check: ingressTls,
  },
};

export const stackRuleName = "no-secret-data-in-configmaps-or-env";

/**
 * A copy of `value` without the values that are unknown during a preview (the policy SDK
 * throws when one is read): one not-yet-known output must not hide every other resource from
 * a stack-wide check.
 */
export function knownValues(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const key of Object.keys(value)) {
    try {
      (copy as Record<string, unknown>)[key] = knownValues((value as Record<string, unknown>)[key]);
    } catch {
      // unknown until the update: left out
    }
  }
  return copy;
}

function reportAll(messages: string[], report: ReportViolation): void {
  for (const message of messages) report(message);
}

/** The pack's arguments for one environment: enforcement follows it (environment.ts). */
export function kernelciPolicyPack(environment: Environment): PolicyPackArgs {
  const resourcePolicies: ResourceValidationPolicy[] = Object.entries(resourceRules).map(([name, rule]) => ({
    name,
    description: rule.description,
    validateResource: (args, report) =>
      reportAll(rule.check({ type: args.type, name: args.name, props: args.props }, environment), report),
  }));
  return {
    enforcementLevel: enforcementFor(environment),
    policies: [
      ...resourcePolicies,
      {
        name: stackRuleName,
        description: "No value of a Secret appears in a ConfigMap or a plain environment variable.",
        validateStack: (args, report) =>
          reportAll(
            secretDataOutsideSecrets(
              args.resources.map((r) => ({ type: r.type, name: r.name, props: knownValues(r.props) })),
            ),
            report,
          ),
      },
    ],
  };
}
