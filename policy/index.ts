import { PolicyPack } from "@pulumi/policy";
import { policyEnvironment } from "./environment";
import { kernelciPolicyPack } from "./pack";

// Started by the CLI for `pulumi preview|up --policy-pack policy`; it passes the stack's name and
// configuration in the environment.
new PolicyPack("kernelci", kernelciPolicyPack(policyEnvironment(process.env)));
