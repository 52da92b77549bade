/**
 * Names that reach git's arguments or the file system, validated once, where they enter
 * (configuration, command line, forge answers) and again by the engines before any git call:
 * branch names by git's own ref-format rules, repository names by a pattern that cannot
 * leave a directory, and commit ids by their hex form.
 */

/**
 * Why `name` is not a valid branch name, or null when it is: the rules of
 * `git check-ref-format --branch` (git-check-ref-format(1)), checked as `refs/heads/<name>`.
 */
export function branchNameProblem(name: string): string | null {
  if (name === "") return "is empty";
  if (name.startsWith("-")) return "starts with '-'";
  if (name === "HEAD" || name === "@") return `is the reserved name ${name}`;
  if (name.startsWith("/") || name.endsWith("/")) return "starts or ends with '/'";
  if (name.includes("//")) return "contains '//'";
  if (name.includes("..")) return "contains '..'";
  if (name.includes("@{")) return "contains '@{'";
  if (name.endsWith(".")) return "ends with '.'";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what git refuses
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name);
  if (bad) return `contains ${JSON.stringify(bad[0])}`;
  for (const part of name.split("/")) {
    if (part.startsWith(".")) return `has a component starting with '.' (${part})`;
    if (part.endsWith(".lock")) return `has a component ending with '.lock' (${part})`;
  }
  return null;
}

/** A branch name, or an Error naming `what` and the rule it breaks. */
export function checkBranchName(name: string, what: string): string {
  const problem = branchNameProblem(name);
  if (problem)
    throw new Error(`${what} ${JSON.stringify(name)} is not a valid git branch name: it ${problem}`);
  return name;
}

/**
 * Why a tag prefix is unusable, or null: the dated tags `<prefix>YYYYMMDD.N` must be valid
 * ref names (a prefix like `*` or `a..` is not).
 */
export function tagPrefixProblem(prefix: string): string | null {
  const problem = branchNameProblem(`${prefix}20260101.0`);
  return problem ? `makes tags like ${prefix}20260101.0 that are not valid git refs: it ${problem}` : null;
}

/**
 * A repository name as GitHub allows it (letters, digits, `.`, `_`, `-`, at most 100), never
 * `.` or `..`: it becomes one directory under the work dir, and must stay one.
 */
export const REPO_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

export function repoNameProblem(name: string): string | null {
  return REPO_NAME.test(name)
    ? null
    : "is not a repository name (1 to 100 letters, digits, '.', '_' or '-'; not '.' or '..')";
}

/** A full commit id (SHA-1 or SHA-256), as git and GitHub print them. */
export const COMMIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function isCommitId(text: unknown): text is string {
  return typeof text === "string" && COMMIT_ID.test(text);
}
