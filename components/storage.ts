import { createHmac } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "smol-toml";
import { checksumAnnotations, secretChecksum } from "../pipeline/configChecksum";
import {
  container,
  deployment,
  persistentVolumeClaim,
  probe,
  publicService,
  resources,
  secret,
  type Workload,
} from "./workload";

const configDir = "/etc/kernelci-storage";
/**
 * The image's working directory (kernelci-storage Dockerfile): its cache/ and download/
 * directories are relative to it (src/main.rs), so the volume is mounted here.
 */
const workDir = "/workdir";
const port = 3000;

export interface StorageSettings {
  driver: "local" | "azure";
  jwtSecret: string;
  uploader: string;
  azure?: { account: string; container: string; key: string; sasToken: string };
}

/** kernelci-storage's config.toml: the driver and its credentials, the JWT secret, who may upload where. */
export function renderStorageConfig(s: StorageSettings): string {
  return stringify({
    driver: s.driver,
    jwt_secret: s.jwtSecret,
    ...(s.driver === "local" ? { local: { storage_path: `${workDir}/storage` } } : {}),
    // src/azure.rs reads all four keys and fails at start without one.
    ...(s.azure
      ? {
          azure: {
            account: s.azure.account,
            key: s.azure.key,
            container: s.azure.container,
            sastoken: s.azure.sasToken,
          },
        }
      : {}),
    users: [{ name: s.uploader, prefixes: [""] }],
  });
}

const base64url = (text: string) => Buffer.from(text).toString("base64url");

/** The upload token kernelci-storage accepts: an HS256 JWT with an `email` claim, no expiry. */
export function storageToken(jwtSecret: string, email: string): string {
  const unsigned = `${base64url(JSON.stringify({ typ: "JWT", alg: "HS256" }))}.${base64url(JSON.stringify({ email }))}`;
  return `${unsigned}.${createHmac("sha256", jwtSecret).update(unsigned).digest("base64url")}`;
}

export interface StorageArgs {
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  host: string;
  tlsIssuer: string;
  ingressClass: string;
  size: string;
  storageClass?: string;
  settings: pulumi.Output<StorageSettings>;
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
}

/** kernelci-storage: config.toml as a Secret, files on a volume with the local driver. */
export class Storage extends pulumi.ComponentResource {
  readonly url: string;
  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:api:Storage", name, {}, opts);
    const app = "kernelci-storage";
    const files = args.settings.apply(
      (s): Record<string, string> => ({ "config.toml": renderStorageConfig(s) }),
    );
    const config = secret(
      `${name}-config`,
      { namespace: args.namespace, app: `${app}-config`, data: files },
      { parent: this },
    );
    // The local driver keeps files here; with azure it is only the download cache.
    const { size, storageClass } = args;
    const claimName = `${app}-data`;
    const claim = persistentVolumeClaim(
      name,
      { namespace: args.namespace, claimName, size, storageClass },
      { parent: this },
    );
    const workload = deployment(
      name,
      {
        namespace: args.namespace,
        app,
        recreate: true,
        podAnnotations: { [checksumAnnotations.secrets]: secretChecksum(files) },
        containers: [
          container({
            name: app,
            image: args.image,
            env: [{ name: "KCI_STORAGE_CONFIG", value: `${configDir}/config.toml` }],
            ports: [port],
            volumeMounts: [
              { name: "config", mountPath: configDir, readOnly: true },
              { name: "data", mountPath: workDir },
            ],
            resources: resources("512Mi", "250m", "2Gi", "1"),
            probe: probe.http(port, "/"),
          }),
        ],
        volumes: [
          { name: "config", secret: { secretName: config.metadata.name } },
          { name: "data", persistentVolumeClaim: { claimName: claim.metadata.name } },
        ],
      },
      { parent: this, dependsOn: args.rolloutAfter },
    );
    const { namespace, host, tlsIssuer, ingressClass } = args;
    const annotations = { "nginx.ingress.kubernetes.io/proxy-body-size": "0" };
    this.url = publicService(
      name,
      { namespace, app, host, port, tlsIssuer, ingressClass, annotations },
      { parent: this },
    ).url;
    this.workloads = [workload];
    this.registerOutputs({ url: this.url });
  }
}
