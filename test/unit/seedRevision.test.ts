import { seedRevision } from "../../lib/jenkins/seedRevision";

describe("seedRevision", () => {
  const asked: string[][] = [];
  const ls = async (remote: string, patterns: readonly string[]) => {
    asked.push([remote, ...patterns]);
    return new Map(remote === "jobs.git" ? [["refs/heads/main", "f".repeat(40)]] : []);
  };

  it("takes the pinned revision without asking the remote", async () => {
    asked.length = 0;
    expect(await seedRevision({ repo: "jobs.git", branch: "main", pinned: "abc" }, ls)).toBe("abc");
    expect(asked).toEqual([]);
  });

  it("takes the head of the jobs branch otherwise", async () => {
    expect(await seedRevision({ repo: "jobs.git", branch: "main" }, ls)).toBe("f".repeat(40));
    expect(asked).toContainEqual(["jobs.git", "refs/heads/main"]);
  });

  it("names the repository, the branch and the configuration key when the branch is missing", async () => {
    await expect(seedRevision({ repo: "other.git", branch: "dev" }, ls)).rejects.toThrow(
      "other.git has no branch dev (legacy.jenkinsJobsBranch)",
    );
  });
});
