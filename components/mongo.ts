import * as pulumi from "@pulumi/pulumi";
import { onePodStore, probe, resources, type Workload } from "./workload";

export interface MongoArgs {
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  size: string;
  storageClass?: string;
  /** Requests (and limits) of the container; default 2Gi/500m, limited to 4Gi/2. */
  requests?: { memory: string; cpu: string };
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
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
    const { namespace, size, storageClass, rolloutAfter } = args;
    const workload = onePodStore(
      name,
      {
        namespace,
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
        size,
        storageClass,
        rolloutAfter,
      },
      this,
    );
    this.uri = pulumi.interpolate`mongodb://${app}.${args.namespace}.svc.cluster.local:27017`;
    this.workloads = [workload];
    this.registerOutputs({ uri: this.uri });
  }
}
