import { lsRemote } from "./repo";

/** The commit a remote's branch points at now, or null when the remote has no such branch. */
export async function branchHead(
  remote: string,
  branch: string,
  ls: typeof lsRemote = lsRemote,
): Promise<string | null> {
  const ref = `refs/heads/${branch}`;
  return (await ls(remote, [ref])).get(ref) ?? null;
}
