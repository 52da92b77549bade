import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The local stack's kernel repositories, created once under `dir`: `upstream` (a tiny tree on
 * branch `master`, standing for mainline) and `linux.git` (a bare repository standing for
 * kernelci/linux, which the simulated trigger watches). Idempotent.
 */
export function ensureKernelFixture(dir: string): { upstream: string; remote: string } {
  const upstream = path.join(dir, "upstream");
  const remote = path.join(dir, "linux.git");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=KernelCI", "-c", "user.email=bot@kernelci.org", ...args], {
      cwd,
      stdio: "pipe",
    });
  if (!fs.existsSync(path.join(upstream, ".git"))) {
    fs.mkdirSync(upstream, { recursive: true });
    git(upstream, "init", "--quiet", "--initial-branch=master");
    fs.writeFileSync(path.join(upstream, "Makefile"), "VERSION = 6\nPATCHLEVEL = 18\n");
    git(upstream, "add", "Makefile");
    git(upstream, "commit", "--quiet", "-m", "Linux 6.18");
  }
  if (!fs.existsSync(path.join(remote, "HEAD"))) {
    fs.mkdirSync(remote, { recursive: true });
    git(remote, "init", "--quiet", "--bare");
  }
  return { upstream, remote };
}
