// The help texts of the commands, apart from their implementations: `kci-deploy --help` loads
// this file only, not the engines (zod, simple-git...) the commands need.

export const stagingBranchUsage = `usage: kci-deploy staging-branch --remote <git-url> (--pulls <file> | --github <owner/repo>)
         --trusted <file> [--main main] [--branch staging.kernelci.org] [--skip-label staging-skip]
         [--patches <dir>] [--tag-prefix staging-] [--tag-limit 20] [--work-dir <dir>] [--push] [--json]

Merges the trusted open PRs (oldest first) on top of main, applies the local patches, tags and,
with --push, force-pushes the branch and the tag when the content changed. Without --push,
nothing leaves the machine. --github reads GITHUB_TOKEN (and GITHUB_API_URL, if set).
The trusted file holds one GitHub login per line; # starts a comment.
Exit codes: 0 success (also when there is nothing to push), 1 a patch or the push failed
(the remote is untouched), 2 bad usage or configuration.
`;

export const botUsage = `usage: kci-deploy bot (--config <Pulumi.<stack>.yaml> | --stack <name>)
       kci-deploy bot simulate --events <file.jsonl> [--config <file>]
       kci-deploy bot deliver --url <bot-url> --event pull_request|push|ping|issue_comment --repo <owner/name>
         [--action synchronize] [--pr N] [--sha S] [--author login] [--base main] [--body '@kcibot deploy']

Runs kcibot: it deploys the stack of the file's kernelci:bot section on GitHub webhooks, paced by
seed 003's policy, and serves its status page, /healthz and /metrics. --stack <name> reads
Pulumi.<name>.yaml of this project; --stack local also runs the KernelCI API simulator.
The webhook secret comes from KCI_BOT_WEBHOOK_SECRET or kernelci:secrets.webhookSecret, the
GitHub token from GITHUB_TOKEN or kernelci:secrets.githubToken.
simulate replays a timeline without touching anything and prints one JSON decision per line.
deliver posts a signed test delivery (secret from KCI_BOT_WEBHOOK_SECRET).
`;

export const releaseNotesUsage = `usage: kci-deploy release-notes --stack <stack> [--markdown] [--announce]

Prints the change summary of the release configured in Pulumi.<stack>.yaml (kernelci:release):
for each component, the commits between its deployed production branch and the release, with
their author and PR. Plain text by default, Markdown with --markdown. With --announce, mails
the plain text to release.announce.to over SMTP (password: kernelci:secrets.smtpPassword of the
stack) and records when and what was announced, for the production update's pre-flight.
Exit codes: 0 success, 1 a git or mail failure, 2 bad usage or configuration.
`;
