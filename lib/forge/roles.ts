import type { Forge } from "./types";

/** Where one role's members come from: a team of the forge, else a configured list. */
export interface RoleSource {
  /** The team's slug, when the role is managed as a GitHub team. */
  team?: string;
  /** The configured logins: used when no team is set or the forge has no such team. */
  list: readonly string[];
}

/** A role's members and, for logs and reports, where they were read. */
export interface ResolvedRole {
  logins: readonly string[];
  source: string;
}

/**
 * The members of a role. A configured team is the source of truth; the list stands in while
 * the team is not set, or does not exist yet (before the first `pulumi up` creates it).
 */
export async function resolveRole(forge: Forge, role: RoleSource): Promise<ResolvedRole> {
  if (role.team === undefined) return { logins: role.list, source: "the configured list" };
  const members = forge.teamMembers ? await forge.teamMembers(role.team) : null;
  if (members === null) {
    return {
      logins: role.list,
      source: `the configured list (no team ${role.team} at ${forge.location})`,
    };
  }
  return { logins: members, source: `team ${role.team}` };
}

/** Every named role at once (trusted contributors, maintainers, admins), read in parallel. */
export async function resolveRoles<R extends string>(
  forge: Forge,
  roles: Record<R, RoleSource>,
): Promise<Record<R, ResolvedRole>> {
  const names = Object.keys(roles) as R[];
  const resolved = await Promise.all(names.map((name) => resolveRole(forge, roles[name])));
  return Object.fromEntries(names.map((name, i) => [name, resolved[i]])) as Record<R, ResolvedRole>;
}
