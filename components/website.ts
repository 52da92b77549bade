import * as docker from "@pulumi/docker";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { container, deployment, probe, publicService, resources } from "./workload";

export interface WebsiteArgs {
  namespace: string;
  host: string;
  tlsIssuer: string;
  ingressClass: string;
  /** The built site: its revision, build context (public/ + Dockerfile) and content digest. */
  site: { revision: pulumi.Input<string>; context: pulumi.Input<string>; digest: pulumi.Input<string> };
  /** Build and push the web server image (`{registry}/{prefix}website`); false: name it only. */
  image: { build: boolean; registry: string; prefix: string };
}

/** The image serving the site: built from the context and pinned to its digest, or named after the revision. */
function siteImage(name: string, args: WebsiteArgs, parent: pulumi.Resource): pulumi.Output<string> {
  const { build, registry, prefix } = args.image;
  const repository = `${registry}/${prefix}website`;
  const tag = pulumi.output(args.site.revision).apply((r) => `${repository}:${r.slice(0, 12)}`);
  if (!build) return tag;
  const image = new docker.Image(
    `${name}-image`,
    {
      imageName: tag,
      build: {
        context: args.site.context,
        dockerfile: pulumi.output(args.site.context).apply((dir) => `${dir}/Dockerfile`),
        platform: "linux/amd64",
      },
    },
    { parent },
  );
  return image.repoDigest;
}

/**
 * The static website (kernelci.org): a Deployment of the web server image holding the built
 * site, with a Service and an HTTPS Ingress. The pods restart only when the built files change.
 */
export class Website extends pulumi.ComponentResource {
  readonly url: string;

  constructor(name: string, args: WebsiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kernelci:release:Website", name, {}, opts);
    const parent = { parent: this };
    const ns = new k8s.core.v1.Namespace(args.namespace, { metadata: { name: args.namespace } }, parent);
    const app = "website";
    deployment(
      name,
      {
        namespace: ns.metadata.name,
        app,
        containers: [
          container({
            name: app,
            image: siteImage(name, args, this),
            ports: [80],
            resources: resources("64Mi", "50m", "256Mi", "500m"),
            probe: probe.http(80),
          }),
        ],
        podAnnotations: { "kernelci.org/site-digest": args.site.digest },
      },
      parent,
    );
    const web = publicService(
      name,
      {
        namespace: ns.metadata.name,
        app,
        host: args.host,
        port: 80,
        tlsIssuer: args.tlsIssuer,
        ingressClass: args.ingressClass,
      },
      parent,
    );
    this.url = web.url;
    this.registerOutputs({ url: this.url });
  }
}
