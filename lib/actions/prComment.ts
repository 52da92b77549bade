import { createOctokit } from "../forge/octokit";

export interface IssueComment {
  id: number;
  body: string;
}

/** The GitHub calls the PR comment needs (Octokit in production, a double in tests). */
export interface CommentClient {
  /** Every comment of the PR, oldest first (all pages). */
  list(pr: number): Promise<IssueComment[]>;
  create(pr: number, body: string): Promise<number>;
  update(id: number, body: string): Promise<void>;
  remove(id: number): Promise<void>;
}

export type UpsertOutcome = { action: "created" | "updated" | "unchanged"; id: number; removed: number[] };

/**
 * One comment per PR carrying `marker`: the oldest is edited in place (or created), and any
 * later copy (two runs that raced) is removed, so the PR never shows two.
 */
export async function upsertComment(
  client: CommentClient,
  pr: number,
  marker: string,
  body: string,
): Promise<UpsertOutcome> {
  const [first, ...copies] = (await client.list(pr)).filter((c) => c.body.includes(marker));
  let outcome: Omit<UpsertOutcome, "removed">;
  if (!first) outcome = { action: "created", id: await client.create(pr, body) };
  else if (first.body === body) outcome = { action: "unchanged", id: first.id };
  else {
    await client.update(first.id, body);
    outcome = { action: "updated", id: first.id };
  }
  for (const copy of copies) await client.remove(copy.id);
  return { ...outcome, removed: copies.map((c) => c.id) };
}

/** The comment client of one repository, with a token allowed to write PR comments. */
export function githubCommentClient(options: {
  owner: string;
  repo: string;
  token: string;
  /** REST API root; defaults to https://api.github.com (tests point it at 127.0.0.1). */
  apiUrl?: string;
}): CommentClient {
  const { owner, repo } = options;
  const octokit = createOctokit({ token: options.token, baseUrl: options.apiUrl });
  return {
    list: async (pr) =>
      (
        await octokit.paginate(octokit.rest.issues.listComments, {
          owner,
          repo,
          issue_number: pr,
          per_page: 100,
        })
      ).map((c) => ({ id: c.id, body: c.body ?? "" })),
    create: async (pr, body) =>
      (await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body })).data.id,
    update: async (id, body) => {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
    },
    remove: async (id) => {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: id });
    },
  };
}
