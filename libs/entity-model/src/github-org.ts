import { lowerCase } from './lower-case';
import { DEFAULT_NAMESPACE, Entity, GroupEntity, UserEntity } from '@backstage/catalog-model';
import { entityRefOf } from './entity-ref';
import { LocationSpec } from './location-annotations';
import { stableHash } from './stable-hash';
import { validateEntity } from './entity-validation';

/** Annotations Backstage's GitHub org provider sets (@backstage/plugin-catalog-backend-module-github). */
export const ANNOTATION_GITHUB_USER_LOGIN = 'github.com/user-login';
export const ANNOTATION_GITHUB_TEAM_SLUG = 'github.com/team-slug';

/** An organisation's people as GitHub's REST API describes them, read in one sync. */
export interface GithubOrgSnapshot {
  org: { login: string; htmlUrl: string };
  /** The organisation's members, with their public profiles. */
  users: GithubOrgUser[];
  teams: GithubOrgTeam[];
}

export interface GithubOrgUser {
  login: string;
  name?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
  bio?: string | null;
}

export interface GithubOrgTeam {
  slug: string;
  name: string;
  description?: string | null;
  htmlUrl: string;
  parentSlug?: string | null;
  /**
   * Logins as `GET /orgs/{org}/teams/{slug}/members` lists them: GitHub includes the members
   * of child teams there, unlike the GraphQL `membership: IMMEDIATE` Backstage reads.
   */
  members: string[];
}

export interface GithubOrgEntities {
  users: UserEntity[];
  groups: GroupEntity[];
  /** Entities @backstage/catalog-model rejected (a name GitHub allows and Backstage does not), left out. */
  errors: Array<{ ref: string; error: string }>;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const key = (s: string) => lowerCase(s);

/** The location Callboard publishes an organisation's Users and Groups from: its web URL. */
export function githubOrgLocation(orgHtmlUrl: string): LocationSpec {
  return { type: 'url', target: orgHtmlUrl.replace(/\/+$/, '') };
}

/**
 * Members of a team that are not listed through one of its child teams: what Backstage's
 * `membership: IMMEDIATE` returns, as far as REST can tell (someone who is a direct member of
 * both a team and its child shows as the child's only; REST does not say otherwise).
 */
function immediateMembers(team: GithubOrgTeam, childrenOf: Map<string, GithubOrgTeam[]>): string[] {
  const viaChildren = new Set<string>();
  for (const child of childrenOf.get(key(team.slug)) ?? []) for (const login of child.members) viaChildren.add(key(login));
  return team.members.filter((login) => !viaChildren.has(key(login)));
}

/**
 * Users and Groups for an organisation, modelled as Backstage's GithubOrgEntityProvider does
 * with its default transformers: a User per member named by login, a Group (`type: team`)
 * per team named by slug with `parent`, `children` and its direct `members`, each User's
 * `memberOf` its direct teams, names relative to the one namespace all of them live in.
 * Deterministic: the same snapshot always gives the same entities in the same order.
 */
export async function githubOrgEntities(snapshot: GithubOrgSnapshot, options: { namespace?: string } = {}): Promise<GithubOrgEntities> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const metadataNamespace = namespace === DEFAULT_NAMESPACE ? {} : { namespace };
  const memberLogins = new Map(snapshot.users.map((u) => [key(u.login), u.login]));
  const teams = [...snapshot.teams].sort((a, b) => byString(key(a.slug), key(b.slug)));
  const teamSlugs = new Map(teams.map((t) => [key(t.slug), t.slug]));
  const childrenOf = new Map<string, GithubOrgTeam[]>();
  for (const team of teams) {
    const parent = team.parentSlug ? key(team.parentSlug) : undefined;
    if (parent && teamSlugs.has(parent)) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), team]);
  }

  const memberOf = new Map<string, string[]>();
  const groups = teams.map((team): GroupEntity => {
    // Only organisation members become Users; a member a team lists who is not one is not referenced.
    const members = [...new Set(immediateMembers(team, childrenOf).map(key))]
      .filter((login) => memberLogins.has(login))
      .map((login) => memberLogins.get(login)!)
      .sort(byString);
    for (const login of members) memberOf.set(key(login), [...(memberOf.get(key(login)) ?? []), team.slug]);
    const parent = team.parentSlug ? teamSlugs.get(key(team.parentSlug)) : undefined;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: team.slug,
        ...metadataNamespace,
        ...(team.description ? { description: team.description } : {}),
        annotations: {
          [ANNOTATION_GITHUB_TEAM_SLUG]: `${snapshot.org.login}/${team.slug}`,
          'backstage.io/edit-url': `${team.htmlUrl.replace(/\/+$/, '')}/edit`,
        },
      },
      spec: {
        type: 'team',
        profile: { displayName: team.name },
        ...(parent ? { parent } : {}),
        children: (childrenOf.get(key(team.slug)) ?? []).map((child) => child.slug),
        members,
      },
    };
  });

  const users = [...snapshot.users]
    .sort((a, b) => byString(key(a.login), key(b.login)))
    .map((user): UserEntity => {
      const profile: NonNullable<UserEntity['spec']['profile']> = {};
      if (user.name) profile.displayName = user.name;
      if (user.email) profile.email = user.email;
      if (user.avatarUrl) profile.picture = user.avatarUrl;
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: {
          name: user.login,
          ...metadataNamespace,
          ...(user.bio ? { description: user.bio } : {}),
          annotations: { [ANNOTATION_GITHUB_USER_LOGIN]: user.login },
        },
        spec: { profile, memberOf: (memberOf.get(key(user.login)) ?? []).sort(byString) },
      };
    });

  const result: GithubOrgEntities = { users: [], groups: [], errors: [] };
  for (const entity of [...users, ...groups]) {
    const validation = await validateEntity(entity);
    if (!validation.ok) result.errors.push({ ref: entityRefOf(entity), error: validation.error });
    else if (entity.kind === 'User') result.users.push(entity as UserEntity);
    else result.groups.push(entity as GroupEntity);
  }
  return result;
}

/** What a sync published for one entity: its ref and the hash of what was sent. */
export interface PublishedOrgEntity {
  ref: string;
  hash: string;
}

export interface OrgSyncPlan {
  upserts: Array<{ ref: string; entity: Entity }>;
  removals: string[];
  /** What the catalog holds from this organisation once the plan is published. */
  published: PublishedOrgEntity[];
  unchanged: number;
}

/**
 * Compares the desired entities with what the previous sync published: new or changed ones
 * are upserted, ones no longer desired removed. `force` upserts everything (reconciliation:
 * the catalog may have missed or refused an earlier event; it skips unchanged input itself).
 */
export function planOrgSync(previous: readonly PublishedOrgEntity[], desired: readonly Entity[], options: { force?: boolean } = {}): OrgSyncPlan {
  const before = new Map(previous.map((p) => [p.ref, p.hash]));
  const after = new Map<string, { entity: Entity; hash: string }>();
  for (const entity of desired) after.set(entityRefOf(entity), { entity, hash: stableHash(entity) });
  const refs = [...after.keys()].sort(byString);
  const upserts = refs.filter((ref) => options.force || before.get(ref) !== after.get(ref)!.hash).map((ref) => ({ ref, entity: after.get(ref)!.entity }));
  return {
    upserts,
    removals: [...before.keys()].filter((ref) => !after.has(ref)).sort(byString),
    published: refs.map((ref) => ({ ref, hash: after.get(ref)!.hash })),
    unchanged: refs.length - upserts.length,
  };
}
