import * as fs from "node:fs";
import * as path from "node:path";
import { githubCommentClient, upsertComment } from "../lib/actions/prComment";
import { previewCommentBody, previewMarker, type StackPreview } from "../lib/actions/previewComment";
import { parseOptions, required } from "./args";
import { type CliIo, UsageError } from "./io";

export const previewCommentUsage = `usage: kci-deploy preview-comment --pr <number> --commit <sha> --dir <dir> --stack <name>...
         [--repo <owner/name>] [--run-url <url>]

Posts the previews of the stacks as one comment on the PR, or edits the comment already there
(never a second one). For each --stack, <dir>/<stack>.txt holds the output of
\`pulumi preview --stack <stack>\` and <dir>/<stack>.exit its exit code (missing: did not run).
--repo defaults to GITHUB_REPOSITORY. Reads GITHUB_TOKEN (and GITHUB_API_URL, if set).
Exit codes: 0 posted, 1 GitHub refused, 2 bad usage.
`;

function readPreview(dir: string, stack: string): StackPreview {
  const read = (ext: string) => {
    const file = path.join(dir, `${stack}.${ext}`);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  };
  const exit = read("exit")?.trim();
  if (exit !== undefined && !/^\d+$/.test(exit)) {
    throw new UsageError(`${path.join(dir, `${stack}.exit`)}: expected an exit code, got "${exit}"`);
  }
  return { stack, output: read("txt") ?? "(no output)", exitCode: exit === undefined ? null : Number(exit) };
}

export async function previewCommentCommand(args: string[], io: CliIo): Promise<number> {
  const o = parseOptions(args, {
    pr: { type: "string" },
    commit: { type: "string" },
    dir: { type: "string" },
    stack: { type: "string", multiple: true },
    repo: { type: "string" },
    "run-url": { type: "string" },
  });
  const pr = Number(required(o.pr, "pr"));
  if (!Number.isInteger(pr) || pr <= 0) throw new UsageError(`--pr: expected a PR number, got "${o.pr}"`);
  const repo = o.repo ?? io.env.GITHUB_REPOSITORY;
  const [owner, name, ...rest] = (repo ?? "").split("/");
  if (!owner || !name || rest.length)
    throw new UsageError(`--repo: expected owner/name, got "${repo ?? ""}"`);
  const token = io.env.GITHUB_TOKEN;
  if (!token) throw new UsageError("GITHUB_TOKEN is not set: the comment cannot be posted");
  const stacks = o.stack ?? [];
  if (stacks.length === 0) throw new UsageError("--stack is required (one per preview)");
  const dir = path.resolve(io.cwd, required(o.dir, "dir"));
  const body = previewCommentBody(
    stacks.map((s) => readPreview(dir, s)),
    { commit: required(o.commit, "commit"), runUrl: o["run-url"] },
  );
  const client = githubCommentClient({ owner, repo: name, token, apiUrl: io.env.GITHUB_API_URL });
  const outcome = await upsertComment(client, pr, previewMarker, body);
  io.stdout(
    `preview comment ${outcome.action} on ${owner}/${name}#${pr} (comment ${outcome.id})` +
      (outcome.removed.length ? `; removed duplicates ${outcome.removed.join(", ")}` : "") +
      "\n",
  );
  return 0;
}
