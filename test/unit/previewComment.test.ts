import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { githubCommentClient, upsertComment } from "../../lib/actions/prComment";
import { previewCommentBody, previewMarker } from "../../lib/actions/previewComment";
import { capturedIo } from "../support/cli";
import { type CommentsServer, startCommentsServer } from "../support/githubComments";

describe("the preview comment body", () => {
  it("has one folded section per stack, failures open, colours removed", () => {
    const body = previewCommentBody(
      [
        { stack: "staging", output: "\u001b[32m+ 2 to create\u001b[0m\nResources: 2 to create", exitCode: 0 },
        { stack: "production", output: "error: mandatory policy violation", exitCode: 255 },
        { stack: "local", output: "", exitCode: null },
      ],
      { commit: "0123456789abcdef0123", runUrl: "https://example.org/run/1" },
    );
    expect(
      body.startsWith(
        `${previewMarker}\n## Pulumi previews for 0123456789ab ([workflow run](https://example.org/run/1))`,
      ),
    ).toBe(true);
    expect(body).toContain(
      "### `staging`: ok\n\n<details><summary>pulumi preview --stack staging</summary>\n\n```\n+ 2 to create\nResources: 2 to create\n```",
    );
    expect(body).toContain("### `production`: failed (exit 255)\n\n<details open>");
    expect(body).toContain("### `local`: did not run");
    expect(body).not.toContain("\u001b");
  });

  it("keeps the end of an output too long for GitHub, and cannot be closed by backticks in it", () => {
    const long = `${"line\n".repeat(30_000)}Resources: 1 to update\n\`\`\`\`end`;
    const body = previewCommentBody(
      [
        { stack: "staging", output: long, exitCode: 0 },
        { stack: "production", output: long, exitCode: 0 },
      ],
      { commit: "abc" },
    );
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(/… \(\d+ characters cut; the whole output is in the workflow log\)/);
    expect(body).toContain("Resources: 1 to update\n````end\n`````");
  });
});

describe("one comment per PR, against a GitHub double", () => {
  let github: CommentsServer;
  beforeEach(async () => {
    github = await startCommentsServer();
  });
  afterEach(() => github.close());
  const client = () =>
    githubCommentClient({ owner: "kernelci", repo: "kernelci-deploy", token: "t0k", apiUrl: github.url });
  const repo = "kernelci/kernelci-deploy";

  it("creates it, then edits it in place, then leaves it when nothing changed", async () => {
    github.seed(repo, 7, ["LGTM"]);
    const first = await upsertComment(client(), 7, previewMarker, `${previewMarker}\nv1`);
    expect(first).toMatchObject({ action: "created", removed: [] });
    const second = await upsertComment(client(), 7, previewMarker, `${previewMarker}\nv2`);
    expect(second).toEqual({ action: "updated", id: first.id, removed: [] });
    expect(await upsertComment(client(), 7, previewMarker, `${previewMarker}\nv2`)).toMatchObject({
      action: "unchanged",
    });
    expect(github.comments(repo, 7)).toEqual([
      { id: expect.any(Number), body: "LGTM" },
      { id: first.id, body: `${previewMarker}\nv2` },
    ]);
    expect(github.requests.every((r) => r.authorization === "token t0k")).toBe(true);
  });

  it("finds its comment past the first page, and removes copies left by racing runs", async () => {
    github.seed(repo, 8, [
      ...Array.from({ length: 120 }, (_, i) => `comment ${i}`),
      `${previewMarker}\nold`,
      `${previewMarker}\ncopy`,
    ]);
    const outcome = await upsertComment(client(), 8, previewMarker, `${previewMarker}\nnew`);
    expect(outcome.action).toBe("updated");
    expect(outcome.removed).toHaveLength(1);
    expect(github.comments(repo, 8).filter((c) => c.body.includes(previewMarker))).toEqual([
      { id: outcome.id, body: `${previewMarker}\nnew` },
    ]);
  });

  it("kci-deploy preview-comment posts the files of a preview directory", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kci-previews-"));
    try {
      fs.writeFileSync(path.join(dir, "staging.txt"), "Resources: 3 unchanged\n");
      fs.writeFileSync(path.join(dir, "staging.exit"), "0\n");
      const env = { GITHUB_TOKEN: "t0k", GITHUB_API_URL: github.url, GITHUB_REPOSITORY: repo };
      const { io, out } = capturedIo(dir, env);
      const args = [
        "preview-comment",
        "--pr",
        "9",
        "--commit",
        "cafe",
        "--dir",
        ".",
        "--stack",
        "staging",
        "--stack",
        "production",
      ];
      expect(await main(args, io)).toBe(0);
      expect(await main(args, io)).toBe(0);
      expect(out.stdout).toMatch(
        /^preview comment created on kernelci\/kernelci-deploy#9 \(comment \d+\)\npreview comment unchanged/,
      );
      const [comment] = github.comments(repo, 9);
      expect(comment.body).toContain("### `staging`: ok");
      expect(comment.body).toContain("### `production`: did not run");
      expect(github.comments(repo, 9)).toHaveLength(1);
      expect(
        await main(["preview-comment", "--pr", "x", "--commit", "c", "--dir", ".", "--stack", "s"], io),
      ).toBe(2);
      expect(out.stderr).toContain('--pr: expected a PR number, got "x"');
      expect(await main(args, { ...io, env: { GITHUB_REPOSITORY: repo } })).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
