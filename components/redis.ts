import * as pulumi from "@pulumi/pulumi";
import { onePodStore, probe, resources, type StoreArgs, type Workload } from "./workload";

export type RedisArgs = StoreArgs;

/**
 * Redis for the API's pub/sub and its event sequence counter. Upstream runs it without
 * persistence, so a restart resets the counter to 0 and durable subscribers miss events: here
 * the append-only file lives on a volume and survives restarts.
 */
export class Redis extends pulumi.ComponentResource {
  /** Host name inside the cluster. */
  readonly host: pulumi.Output<string>;

  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:api:Redis", name, {}, opts);
    const app = "redis";
    // The namespace, volume size and class, and the rollout order come from args as they are.
    const workload = onePodStore(
      name,
      {
        ...args,
        app,
        container: {
          image: args.image,
          args: ["--appendonly", "yes", "--appendfsync", "everysec", "--dir", "/data"],
          // Requests of kernelci-api kube/aks/redis.yaml.
          resources: resources("512Mi", "500m", "1Gi", "1"),
          probe: probe.exec("redis-cli", "ping"),
        },
        dataPath: "/data",
        port: 6379,
      },
      this,
    );
    this.host = pulumi.interpolate`${app}.${args.namespace}.svc.cluster.local`;
    this.workloads = [workload];
    this.registerOutputs({ host: this.host });
  }
}
