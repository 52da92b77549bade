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
