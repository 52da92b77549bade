import * as path from "node:path";
import type { StagingBranchInputs } from "../../lib/staging/assemble";
import { FixtureRemote } from "../../local/gitFixtures";

/**
 * A remote `demo.git` under `root` with main and one PR (alice's, adding b.txt), and the
 * StagingBranch inputs the program would pass for it (working clones in `root/work`).
 */
export function onePullRequestRemote(
  root: string,
  over: Partial<StagingBranchInputs> = {},
): { remote: FixtureRemote; inputs: StagingBranchInputs } {
  const remote = FixtureRemote.create(path.join(root, "demo.git"));
  const base = remote.commitOnMain({ "a.txt": "a\n" }, "initial");
  const head = remote.pull(1, { "b.txt": "b\n" }, "PR 1");
  const inputs: StagingBranchInputs = {
    repo: "demo",
    remote: remote.dir,
    main: "main",
    branch: "staging.kernelci.org",
    base,
    eligible: [{ number: 1, head, author: "alice", title: "PR 1" }],
    skipped: [],
    patchesDigest: "sha256:none",
    tagPrefix: "staging-",
    tagLimit: 20,
    workDir: path.join(root, "work"),
    ...over,
  };
  return { remote, inputs };
}
