import { z } from "zod";
import { actionsSecretsSchema } from "./github";

const secret = z.string().min(1, "must not be empty");

/**
 * Sections that hold secret values, set with `pulumi config set --secret --path <section>.<key>`.
 * The loader refuses them in plaintext and hands them to the program as Pulumi secrets.
 * Which optional ones a stack needs follows from its other settings (see platformRules).
 */
export const secretsSchema = z.object({
  secrets: z
    .object({
      apiSecretKey: secret,
      adminPassword: secret,
      apiToken: secret,
      storageJwtSecret: secret,
      mongoUri: secret.optional(),
      /** kernelci-storage's azure driver: account name, key and SAS token (src/azure.rs). */
      storageAzureAccount: secret.optional(),
      storageAzureKey: secret.optional(),
      storageAzureSasToken: secret.optional(),
      smtpPassword: secret.optional(),
      kcidbCredentials: secret.optional(),
      /** KCIDB_REST of pipeline-kcidb: the KCIDB REST endpoint with its token. */
      kcidbRest: secret.optional(),
      /** kernelci.toml [jwt] secret: lava-callback checks the pipeline API tokens it is sent with it. */
      pipelineJwtSecret: secret.optional(),
      /** Private SSH key of scheduler-shell (KCI_SSH_KEY, pipeline-secrets id_rsa). */
      sshKey: secret.optional(),
      githubToken: secret.optional(),
      /** Organisation admin token for the GitHub side as code (webhooks, teams, environments). */
      githubAdminToken: secret.optional(),
      webhookSecret: secret.optional(),
      jenkinsAdminPassword: secret.optional(),
      /** Kubeconfig with the contexts of the build clusters named in pipeline.schedulers.kubernetes. */
      buildKubeconfig: secret.optional(),
      /**
       * Base64 of the build-cluster credentials archive (upstream's k8scredentials Secret,
       * k8s-credentials.tgz holding k8s-credentials/{.kube,.config/gcloud,.azure}).
       */
      buildCredentials: z.base64("expected base64 (of the .tgz)").optional(),
    })
    .strict(),
  labTokens: z.record(z.string(), z.object({ token: secret, callbackToken: secret }).strict()).default({}),
  actionsSecrets: actionsSecretsSchema,
});

export type Secrets = z.infer<typeof secretsSchema>["secrets"];
export type LabTokens = z.infer<typeof secretsSchema>["labTokens"];
export type ActionsSecrets = z.infer<typeof secretsSchema>["actionsSecrets"];
