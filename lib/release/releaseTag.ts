/**
 * Release tag names, as pure functions. Upstream names production releases
 * `production-YYYYmmddHHMMSS` (kernelci-core .github/workflows/production.yml, commit
 * 99ffe3d96fad42a119cede2aaa154d3a5d2aa3c5: `date +'%Y%m%d%H%M%S'`); seed 002 names them
 * `kernelci-YYYYMMDD`. Both are a format away: `%Y %m %d %H %M %S` are replaced by the UTC
 * fields of the release time.
 */

export const DEFAULT_TAG_FORMAT = "production-%Y%m%d%H%M%S";

const FIELDS: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getUTCFullYear()).padStart(4, "0"),
  m: (d) => String(d.getUTCMonth() + 1).padStart(2, "0"),
  d: (d) => String(d.getUTCDate()).padStart(2, "0"),
  H: (d) => String(d.getUTCHours()).padStart(2, "0"),
  M: (d) => String(d.getUTCMinutes()).padStart(2, "0"),
  S: (d) => String(d.getUTCSeconds()).padStart(2, "0"),
};

/** `format` with each `%X` field replaced; `%%` is a percent sign; any other `%` is an error. */
export function formatTag(format: string, at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error(`release time is not a valid date`);
  return format.replace(/%(.)/g, (whole, field: string) => {
    if (field === "%") return "%";
    const render = FIELDS[field];
    if (!render) throw new Error(`tag format "${format}": unknown field ${whole} (use %Y %m %d %H %M %S)`);
    return render(at);
  });
}

/**
 * Whether `name` may be used as a tag (the rules of `git check-ref-format` that matter here):
 * no space, control character, `~^:?*[\`, `..`, `@{`, no leading `-` or `.`, no trailing `.`,
 * `/` or `.lock`.
 */
export function isValidTagName(name: string): boolean {
  return (
    name.length > 0 &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    !/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|\/\.|^[-./]|[./]$|\.lock$/.test(name) &&
    name !== "@"
  );
}

export interface ReleaseNaming {
  /** One tag name for every component. */
  tag?: string;
  /** The release time, named with `tagFormat` when no tag is given. */
  at?: string;
  tagFormat: string;
}

/** The tag of one component: its own version, else the release's tag, else the formatted time. */
export function releaseTag(naming: ReleaseNaming, componentTag?: string): string {
  const tag =
    componentTag ?? naming.tag ?? (naming.at ? formatTag(naming.tagFormat, new Date(naming.at)) : "");
  if (!tag) throw new Error("the release has no name: set release.tag, release.at or a tag per component");
  if (!isValidTagName(tag)) throw new Error(`"${tag}" is not a valid git tag name`);
  return tag;
}
