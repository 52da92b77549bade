import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { checksumAnnotations, configChecksum, secretChecksum } from "../pipeline/configChecksum";
import { cascPlaceholder, jenkinsLabCredentials } from "./labTokens";
import {
  container,
  labels,
  probe,
  publicService,
  resources,
  secret,
  statefulSet,
  type Workload,
} from "./workload";

const port = 8080;
const home = "/var/jenkins_home";
const cascDir = "/var/jenkins_casc";
/** Where configuration-as-code resolves `${name}` from files. */
const secretsDir = "/run/secrets";
const plugins = [
  "configuration-as-code",
  "job-dsl",
  "git",
  "credentials",
  "plain-credentials",
  "workflow-aggregator",
];

export interface JenkinsCasc {
  url: string;
  labs: string[];
  jobsRepo: string;
  jobsBranch: string;
}

/**
 * Jenkins' configuration as code: the admin user, the lab tokens as credentials, and the job-dsl
 * "seed" job that regenerates every job from kernelci-jenkins. Secret values appear only as
 * `${name}` placeholders resolved from the mounted Secret.
 */
export function renderJenkinsCasc(c: JenkinsCasc): string {
  const seed = [
    "job('seed') {",
    "  description('Regenerates all jobs from kernelci-jenkins (job-dsl)')",
    `  scm { git { remote { url('${c.jobsRepo}') }; branch('${c.jobsBranch}') } }`,
    "  triggers { scm('H/15 * * * *') }",
    "  steps { dsl { external('jobs/*.groovy'); removeAction('DELETE') } }",
    "}",
  ].join("\n");
  return stringify({
    jenkins: {
      systemMessage: "KernelCI legacy Jenkins, configured as code by kernelci-deploy",
      numExecutors: 2,
      securityRealm: {
        local: {
          allowsSignup: false,
          users: [{ id: "admin", password: cascPlaceholder("jenkins-admin-password") }],
        },
      },
      authorizationStrategy: { loggedInUsersCanDoAnything: { allowAnonymousRead: true } },
    },
    credentials: { system: { domainCredentials: [{ credentials: jenkinsLabCredentials(c.labs) }] } },
    unclassified: { location: { url: c.url } },
    jobs: [{ script: seed }],
  });
}

export interface JenkinsArgs {
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  host: string;
  tlsIssuer: string;
  ingressClass: string;
  homeSize: string;
  storageClass?: string;
  casc: JenkinsCasc;
  /** Files for configuration as code: `jenkins-admin-password` and the lab tokens. */
  secretFiles: pulumi.Output<Record<string, string>>;
  rolloutAfter?: pulumi.Input<pulumi.Resource>[];
}

const app = "jenkins";
type Container = k8s.types.input.core.v1.Container;

/** Jenkins' plugin installer (init container) and Jenkins itself, ready when its login page answers. */
export function jenkinsContainers(image: pulumi.Input<string>): {
  initContainers: Container[];
  containers: Container[];
} {
  const homeMount = { name: "home", mountPath: home };
  return {
    initContainers: [
      {
        name: "plugins",
        image,
        command: [
          "jenkins-plugin-cli",
          "--plugin-download-directory",
          `${home}/plugins`,
          "--plugins",
          ...plugins,
        ],
        volumeMounts: [homeMount],
        resources: resources("512Mi", "250m", "1Gi", "1"),
      },
    ],
    containers: [
      container({
        name: app,
        image,
        env: [
          { name: "CASC_JENKINS_CONFIG", value: `${cascDir}/jenkins.yaml` },
          { name: "JAVA_OPTS", value: "-Djenkins.install.runSetupWizard=false" },
        ],
        ports: [port],
        volumeMounts: [
          homeMount,
          { name: "casc", mountPath: cascDir, readOnly: true },
          { name: "secrets", mountPath: secretsDir, readOnly: true },
        ],
        resources: resources("2Gi", "500m", "4Gi", "2"),
        // The login page answers only once Jenkins has loaded its configuration and jobs:
        // "Jenkins is back" is this probe passing, not a guessed delay.
        probe: probe.http(port, "/login"),
        startupSeconds: 180,
      }),
    ],
  };
}

/** Jenkins: JENKINS_HOME on a volume, configured as code, ready only when it serves its login page. */
export class Jenkins extends pulumi.ComponentResource {
  /** What it runs: the environment lists its services from these. */
  readonly workloads: Workload[];

  constructor(name: string, args: JenkinsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:legacy:Jenkins", name, {}, opts);
    const cascFiles = { "jenkins.yaml": renderJenkinsCasc(args.casc) };
    const casc = new k8s.core.v1.ConfigMap(
      `${name}-casc`,
      { metadata: { name: `${app}-casc`, namespace: args.namespace, labels: labels(app) }, data: cascFiles },
      { parent: this },
    );
    const secrets = secret(
      `${name}-secrets`,
      { namespace: args.namespace, app: `${app}-secrets`, data: args.secretFiles },
      { parent: this },
    );
    const workload = statefulSet(
      name,
      {
        namespace: args.namespace,
        app,
        podAnnotations: {
          [checksumAnnotations.config]: configChecksum(cascFiles),
          [checksumAnnotations.secrets]: secretChecksum(args.secretFiles),
        },
        ...jenkinsContainers(args.image),
        volumes: [
          { name: "casc", configMap: { name: casc.metadata.name } },
          { name: "secrets", secret: { secretName: secrets.metadata.name } },
        ],
        volumeClaims: [{ name: "home", size: args.homeSize, storageClass: args.storageClass }],
      },
      { parent: this, dependsOn: args.rolloutAfter },
    );
    const { namespace, host, tlsIssuer, ingressClass } = args;
    publicService(name, { namespace, app, host, port, tlsIssuer, ingressClass }, { parent: this });
    this.workloads = [workload];
    this.registerOutputs({});
  }
}
