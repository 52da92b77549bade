/**
 * The static website (seed 001: "update the static website on kernelci.org"; upstream ran
 * Hugo in kernelci-project/kernelci.org): the site directory of one revision exported from
 * git, built with Hugo or a configured command, and laid out as a build context that copies
 * the result into a web server image. Same revision, same result: nothing is rebuilt.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { type GitAuth, type GitIdentity, WorkingClone } from "../git/repo";
import { exportTree } from "../git/tree";

const run = promisify(execFile);

export interface WebsiteSettings {
  remote: string;
  /** The full ref the revision was read from (refs/heads/… or refs/tags/…). */
  ref: string;
  revision: string;
  siteDir: string;
  /** A shell command run in the site directory with `$OUT` set; null: Hugo. */
  command: string | null;
  serverImage: string;
  workDir: string;
  identity: GitIdentity;
}

export interface WebsiteBuild {
  revision: string;
  /** The build context: `public/` and a Dockerfile. */
  context: string;
  /** A digest of the built files: the Deployment restarts when it changes. */
  digest: string;
  files: number;
}

/** sha256 over the sorted relative paths and contents of every file under `dir`. */
export function digestTree(dir: string): { digest: string; files: number } {
  const hash = createHash("sha256");
  const files = (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(dir, file)))
      .update("\0");
  return { digest: `sha256:${hash.digest("hex")}`, files: files.length };
}

async function buildSite(site: string, out: string, command: string | null): Promise<void> {
  const [program, args] =
    command === null
      ? ["hugo", ["--quiet", "--source", site, "--destination", out]]
      : ["sh", ["-c", command]];
  try {
    await run(program, args, { cwd: site, env: { ...process.env, OUT: out }, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT")
      throw new Error(
        `${program} is not installed: run scripts/setup (it installs Debian's hugo) or set release.website.command`,
      );
    throw new Error(`building the website in ${site} failed: ${(e.stderr || e.message).trim()}`);
  }
}

export async function buildWebsite(s: WebsiteSettings, auth?: GitAuth): Promise<WebsiteBuild> {
  const clone = await WorkingClone.open(path.join(s.workDir, "website"), s.remote, {
    auth,
    identity: s.identity,
  });
  if (!(await clone.hasCommit(s.revision))) await clone.fetch([`+${s.ref}:refs/kci/website`]);
  if ((await clone.resolve(s.revision)) !== s.revision)
    throw new Error(`${s.remote} ${s.ref} no longer has ${s.revision}: run again`);
  const tree = await exportTree(clone.dir, s.revision, path.join(s.workDir, "website-tree"));
  const site = path.join(tree, s.siteDir);
  if (!fs.existsSync(site))
    throw new Error(`${s.remote} has no ${s.siteDir}/ at ${s.revision} (release.website.siteDir)`);
  const context = path.join(s.workDir, "website-build");
  const out = path.join(context, "public");
  fs.rmSync(context, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  await buildSite(site, out, s.command);
  const { digest, files } = digestTree(out);
  if (files === 0) throw new Error(`building the website at ${s.revision} produced no file in ${out}`);
  fs.writeFileSync(
    path.join(context, "Dockerfile"),
    `FROM ${s.serverImage}\nCOPY public/ /usr/share/nginx/html/\n`,
  );
  return { revision: s.revision, context, digest, files };
}
