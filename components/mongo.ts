import * as pulumi from "@pulumi/pulumi";
import { onePodStore, probe, resources, type StoreArgs, type Workload } from "./workload";

export interface MongoArgs extends StoreArgs {
  /** Requests (and limits) of the container; default 2Gi/500m, limited to 4Gi/2. */
  requests?: { memory: string; cpu: string };
}

/** An in-cluster MongoDB: one pod, its data on a volume that outlives the StatefulSet. */
export class Mongo extends pulumi.ComponentResource {
  /** Connection URI inside the cluster (no credentials: reachable only from the cluster). */
  readonly uri: pulumi.Output<string>;

  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: MongoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:api:Mongo", name, {}, opts);
    const app = "mongo";
    // The namespace, volume size and class, and the rollout order come from args as they are.
    const workload = onePodStore(
      name,
      {
        ...args,
        app,
        container: {
          image: args.image,
          resources: args.requests
            ? resources(args.requests.memory, args.requests.cpu)
            : resources("2Gi", "500m", "4Gi", "2"),
          probe: probe.exec("mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"),
          startupSeconds: 30,
        },
        dataPath: "/data/db",
        port: 27017,
      },
      this,
    );
    this.uri = pulumi.interpolate`mongodb://${app}.${args.namespace}.svc.cluster.local:27017`;
    this.workloads = [workload];
    this.registerOutputs({ uri: this.uri });
  }
}
