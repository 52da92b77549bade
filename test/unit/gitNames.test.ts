import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { branchNameProblem, isCommitId, repoNameProblem, tagPrefixProblem } from "../../lib/git/names";
import { pathInside } from "../../lib/git/paths";

/** git's own verdict on a branch name. */
function gitAccepts(name: string): boolean {
  try {
    execFileSync("git", ["check-ref-format", "--branch", name], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

describe("names validated by git's rules", () => {
  it("agrees with `git check-ref-format --branch` on generated names", () => {
    const piece = fc.constantFrom(
      "a",
      "Z",
      "0",
      ".",
      "..",
      "/",
      "//",
      "-",
      "@",
      "@{",
      "{",
      "~",
      "^",
      ":",
      "?",
      "*",
      "[",
      "\\",
      " ",
      "\t",
      "\u007f",
      ".lock",
      "é",
      "+",
      "#",
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), (parts) => {
        const name = parts.join("");
        // `@` alone is HEAD's branch for --branch; the ref rules refuse it, so do we.
        fc.pre(name !== "@");
        expect({ name, valid: branchNameProblem(name) === null }).toEqual({ name, valid: gitAccepts(name) });
      }),
      { numRuns: 150, seed: 10 },
    );
  });

  it("names the rule a branch name breaks, and accepts long valid names", () => {
    expect(branchNameProblem("a..b")).toBe("contains '..'");
    expect(branchNameProblem("x/.hidden")).toMatch(/component starting with '\.'/);
    expect(branchNameProblem("-rf")).toBe("starts with '-'");
    expect(branchNameProblem(`staging/${"x".repeat(232)}`)).toBeNull();
    expect(tagPrefixProblem("*")).toMatch(/not valid git refs: it contains "\*"/);
    expect(tagPrefixProblem("staging-")).toBeNull();
  });

  it("accepts repository names that stay one directory, and only full commit ids", () => {
    for (const bad of ["..", ".", "", "a/b", "a b", "x".repeat(101)])
      expect(repoNameProblem(bad)).not.toBeNull();
    for (const good of ["kernelci-core", ".github", "linux_6.18", "..x"])
      expect(repoNameProblem(good)).toBeNull();
    expect(isCommitId("a".repeat(40))).toBe(true);
    expect(isCommitId("A".repeat(40))).toBe(false);
    expect(isCommitId("--upload-pack=x")).toBe(false);
  });

  it("keeps paths inside the working directory", () => {
    expect(pathInside("/w", "demo")).toBe("/w/demo");
    expect(pathInside("/w", "..x")).toBe("/w/..x");
    for (const outside of ["..", "../x", "/etc", ".", "a/../../b"]) {
      expect(() => pathInside("/w", outside)).toThrow(/outside the working directory \/w/);
    }
  });
});
