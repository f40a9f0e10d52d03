/**
 * People of the simulated organisations: users with profiles, organisation members with a
 * role, and teams (nested through `parent`) with members. The rules are GitHub's: team slugs
 * derive from names and change on rename, a team's parent is in the same organisation and
 * never one of its own descendants, deleting a team deletes its child teams, removing
 * someone from the organisation removes them from its teams, and a team's member listing
 * includes the members of its child teams.
 */

export type OrgRole = 'admin' | 'member';
export type TeamRole = 'member' | 'maintainer';
export type TeamPrivacy = 'closed' | 'secret';

export interface UserProfile {
  name?: string | null;
  email?: string | null;
}

export interface UserState {
  login: string;
  id: number;
  name: string | null;
  email: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TeamState {
  id: number;
  /** Lower-cased login of the organisation. */
  orgKey: string;
  name: string;
  slug: string;
  description: string | null;
  privacy: TeamPrivacy;
  parentId: number | null;
  /** user key (lower-cased login) -> role */
  members: Map<string, TeamRole>;
  createdAt: Date;
  updatedAt: Date;
}

export interface TeamOptions {
  description?: string | null;
  privacy?: TeamPrivacy;
  /** Slug of the parent team. */
  parent?: string | null;
}

/** GitHub's slug of a team name: lower case, runs of anything but letters, digits, `_` and `-` become one `-`. */
export function teamSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const key = (login: string) => login.toLowerCase();

export class OrgDirectory {
  private readonly users = new Map<string, UserState>();
  /** org key -> user key -> role */
  private readonly members = new Map<string, Map<string, OrgRole>>();
  private readonly teams = new Map<number, TeamState>();
  private nextUserId = 80_000_001;
  private nextTeamId = 3_000_001;

  constructor(private readonly now: () => Date) {
    // GitHub's mascot keeps its real id: the example payloads use it.
    const created = new Date('2011-01-25T18:44:36Z');
    this.users.set('octocat', { login: 'octocat', id: 583231, name: 'The Octocat', email: null, createdAt: created, updatedAt: created });
  }

  // ------------------------------------------------------------ users

  user(login: string): UserState | undefined {
    return this.users.get(key(login));
  }

  /** The user, created on first mention (commit authors, members). */
  ensureUser(login: string, profile: UserProfile = {}): UserState {
    let user = this.users.get(key(login));
    if (!user) {
      const now = this.now();
      user = { login, id: this.nextUserId++, name: null, email: null, createdAt: now, updatedAt: now };
      this.users.set(key(login), user);
    }
    if (profile.name !== undefined || profile.email !== undefined) {
      if (profile.name !== undefined) user.name = profile.name;
      if (profile.email !== undefined) user.email = profile.email;
      user.updatedAt = this.now();
    }
    return user;
  }

  // ------------------------------------------------------------ organisation members

  addMember(orgLogin: string, login: string, role: OrgRole = 'member', profile?: UserProfile): UserState {
    const user = this.ensureUser(login, profile);
    this.orgMembers(orgLogin).set(key(login), role);
    return user;
  }

  /** Removes someone from the organisation and, as GitHub does, from all of its teams. */
  removeMember(orgLogin: string, login: string): void {
    const members = this.orgMembers(orgLogin);
    if (!members.delete(key(login))) throw new Error(`${login} is not a member of ${orgLogin}`);
    for (const team of this.teamsOf(orgLogin)) {
      if (team.members.delete(key(login))) team.updatedAt = this.now();
    }
  }

  isMember(orgLogin: string, login: string): boolean {
    return this.orgMembers(orgLogin).has(key(login));
  }

  /** Members in the order GitHub lists them (by user id), optionally only one role. */
  membersOf(orgLogin: string, role: OrgRole | 'all' = 'all'): UserState[] {
    return [...this.orgMembers(orgLogin)]
      .filter(([, r]) => role === 'all' || r === role)
      .map(([userKey]) => this.users.get(userKey)!)
      .sort((a, b) => a.id - b.id);
  }

  // ------------------------------------------------------------ teams

  createTeam(orgLogin: string, name: string, options: TeamOptions = {}): TeamState {
    const slug = this.freeSlug(orgLogin, name);
    const now = this.now();
    const team: TeamState = {
      id: this.nextTeamId++,
      orgKey: key(orgLogin),
      name,
      slug,
      description: options.description ?? null,
      privacy: options.privacy ?? 'closed',
      parentId: null,
      members: new Map(),
      createdAt: now,
      updatedAt: now,
    };
    this.teams.set(team.id, team);
    if (options.parent) this.setParent(orgLogin, slug, options.parent);
    return team;
  }

  /** Renames a team; its slug follows the new name (the old slug then answers 404). */
  renameTeam(orgLogin: string, slug: string, newName: string): TeamState {
    const team = this.mustTeam(orgLogin, slug);
    team.slug = this.freeSlug(orgLogin, newName, team);
    team.name = newName;
    team.updatedAt = this.now();
    return team;
  }

  /** Deletes a team and, like GitHub, every team below it. Returns what was deleted. */
  deleteTeam(orgLogin: string, slug: string): TeamState[] {
    const team = this.mustTeam(orgLogin, slug);
    const deleted = [team, ...this.descendants(team)];
    for (const t of deleted) this.teams.delete(t.id);
    return deleted;
  }

  setParent(orgLogin: string, slug: string, parentSlug: string | null): TeamState {
    const team = this.mustTeam(orgLogin, slug);
    if (parentSlug === null) {
      team.parentId = null;
    } else {
      const parent = this.mustTeam(orgLogin, parentSlug);
      if (parent.id === team.id || this.descendants(team).includes(parent)) {
        throw new Error(`${parentSlug} cannot be the parent of ${slug}: it is ${slug} or one of its child teams`);
      }
      // GitHub only nests visible teams.
      if (team.privacy === 'secret' || parent.privacy === 'secret') throw new Error('secret teams cannot be nested');
      team.parentId = parent.id;
    }
    team.updatedAt = this.now();
    return team;
  }

  /** Adds (or changes the role of) a team member; like an invitation accepted, they join the organisation too. */
  addTeamMember(orgLogin: string, slug: string, login: string, role: TeamRole = 'member'): void {
    const team = this.mustTeam(orgLogin, slug);
    if (!this.isMember(orgLogin, login)) this.addMember(orgLogin, login);
    team.members.set(key(login), role);
    team.updatedAt = this.now();
  }

  removeTeamMember(orgLogin: string, slug: string, login: string): void {
    const team = this.mustTeam(orgLogin, slug);
    if (!team.members.delete(key(login))) throw new Error(`${login} is not a member of team ${slug}`);
    team.updatedAt = this.now();
  }

  team(orgLogin: string, slug: string): TeamState | undefined {
    return this.teamsOf(orgLogin).find((t) => t.slug === slug.toLowerCase());
  }

  teamById(id: number): TeamState | undefined {
    return this.teams.get(id);
  }

  /** The organisation's teams by name, as GitHub lists them. */
  teamsOf(orgLogin: string): TeamState[] {
    return [...this.teams.values()].filter((t) => t.orgKey === key(orgLogin)).sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  }

  /** A team's members including those of its child teams (GitHub's listing), by user id. */
  teamMembers(team: TeamState, role: TeamRole | 'all' = 'all'): Array<{ user: UserState; role: TeamRole }> {
    const roles = new Map<string, TeamRole>();
    for (const t of [team, ...this.descendants(team)]) {
      for (const [userKey, r] of t.members) {
        // A maintainer anywhere in the subtree is listed as maintainer.
        if (roles.get(userKey) !== 'maintainer') roles.set(userKey, r);
      }
    }
    return [...roles]
      .filter(([, r]) => role === 'all' || r === role)
      .map(([userKey, r]) => ({ user: this.users.get(userKey)!, role: r }))
      .sort((a, b) => a.user.id - b.user.id);
  }

  /** Child teams, grandchildren and so on. */
  descendants(team: TeamState): TeamState[] {
    const out: TeamState[] = [];
    const walk = (parentId: number) => {
      for (const t of this.teams.values()) {
        if (t.parentId === parentId && !out.includes(t)) {
          out.push(t);
          walk(t.id);
        }
      }
    };
    walk(team.id);
    return out;
  }

  /** The organisation was renamed: its members and teams follow it. */
  renameOrg(oldLogin: string, newLogin: string): void {
    const members = this.members.get(key(oldLogin));
    this.members.delete(key(oldLogin));
    if (members) this.members.set(key(newLogin), members);
    for (const team of this.teams.values()) if (team.orgKey === key(oldLogin)) team.orgKey = key(newLogin);
  }

  private orgMembers(orgLogin: string): Map<string, OrgRole> {
    let members = this.members.get(key(orgLogin));
    if (!members) {
      members = new Map();
      this.members.set(key(orgLogin), members);
    }
    return members;
  }

  private mustTeam(orgLogin: string, slug: string): TeamState {
    const team = this.team(orgLogin, slug);
    if (!team) throw new Error(`Unknown team ${orgLogin}/${slug}`);
    return team;
  }

  private freeSlug(orgLogin: string, name: string, self?: TeamState): string {
    const slug = teamSlug(name);
    if (!slug) throw new Error(`Invalid team name: ${JSON.stringify(name)}`);
    const clash = this.teamsOf(orgLogin).find((t) => t !== self && (t.slug === slug || t.name.toLowerCase() === name.toLowerCase()));
    if (clash) throw new Error(`Team ${name} already exists in ${orgLogin}`);
    return slug;
  }
}
