import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildWebsite, type WebsiteSettings } from "../../lib/release/website";
import { FixtureRemote } from "../../local/gitFixtures";

const site = {
  "kernelci.org/config.toml":
    'baseURL = "https://kernelci.org/"\ntitle = "KernelCI"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
  "kernelci.org/layouts/index.html": "<h1>{{ .Site.Title }}</h1>{{ .Content }}\n",
  "kernelci.org/content/_index.md": "---\ntitle: home\n---\nWelcome to the release.\n",
};

describe("website build", () => {
  let tmp: string;
  let repo: FixtureRemote;
  let settings: WebsiteSettings;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kci-website-"));
    repo = FixtureRemote.create(path.join(tmp, "kernelci-project.git"));
    const revision = repo.commitOnMain(site, "site");
    settings = {
      remote: repo.dir,
      ref: "refs/heads/main",
      revision,
      siteDir: "kernelci.org",
      command: null,
      serverImage: "nginx:1.27-alpine",
      workDir: path.join(tmp, "work"),
      identity: { name: "t", email: "t@kernelci.org" },
    };
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("builds the site of a revision with Debian's hugo into a web server build context", async () => {
    const built = await buildWebsite(settings);
    expect(fs.readFileSync(path.join(built.context, "public/index.html"), "utf8")).toContain(
      "<h1>KernelCI</h1>",
    );
    expect(fs.readFileSync(path.join(built.context, "Dockerfile"), "utf8")).toBe(
      "FROM nginx:1.27-alpine\nCOPY public/ /usr/share/nginx/html/\n",
    );
    // The same revision builds the same files.
    expect((await buildWebsite(settings)).digest).toBe(built.digest);
    const next = repo.commitOnMain(
      { "kernelci.org/content/_index.md": "---\ntitle: home\n---\nNew text.\n" },
      "edit",
    );
    expect((await buildWebsite({ ...settings, revision: next })).digest).not.toBe(built.digest);
  });

  it("runs a configured command instead, and names a missing site directory", async () => {
    const built = await buildWebsite({
      ...settings,
      command: 'mkdir -p "$OUT" && cp content/_index.md "$OUT/index.md"',
    });
    expect(fs.readFileSync(path.join(built.context, "public/index.md"), "utf8")).toContain("Welcome");
    await expect(buildWebsite({ ...settings, siteDir: "www" })).rejects.toThrow(
      `${repo.dir} has no www/ at ${settings.revision} (release.website.siteDir)`,
    );
  });
});
