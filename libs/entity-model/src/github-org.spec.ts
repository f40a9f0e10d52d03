import { GithubOrgSnapshot, githubOrgEntities, githubOrgLocation, planOrgSync } from './github-org';
import { emitRelations } from './relations';

const team = (slug: string, members: string[], parentSlug: string | null = null) => ({
  slug,
  name: slug.replace(/-/g, ' ').toUpperCase(),
  description: `${slug} team`,
  htmlUrl: `https://github.com/orgs/acme/teams/${slug}`,
  parentSlug,
  members,
});

// GitHub's REST listing of a team includes its child teams' members: platform lists
// carol (a member of its child sre) as well as its own alice.
const snapshot: GithubOrgSnapshot = {
  org: { login: 'acme', htmlUrl: 'https://github.com/acme/' },
  users: [
    { login: 'carol', name: null, email: null, avatarUrl: null },
    { login: 'alice', name: 'Alice Liddell', email: 'alice@example.com', avatarUrl: 'https://avatars.example/u/1', bio: 'Down the rabbit hole' },
    { login: 'bob', name: 'Bob', email: null, avatarUrl: 'https://avatars.example/u/2' },
  ],
  teams: [team('sre', ['carol'], 'platform'), team('platform', ['alice', 'carol']), team('payments', ['bob', 'alice', 'mallory'])],
};

describe('githubOrgEntities', () => {
  it('models members as Users and teams as Groups the way Backstage\'s GitHub org provider does', async () => {
    const { users, groups, errors } = await githubOrgEntities(snapshot);
    expect(errors).toEqual([]);
    expect(users.find((u) => u.metadata.name === 'alice')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'alice', description: 'Down the rabbit hole', annotations: { 'github.com/user-login': 'alice' } },
      spec: { profile: { displayName: 'Alice Liddell', email: 'alice@example.com', picture: 'https://avatars.example/u/1' }, memberOf: ['payments', 'platform'] },
    });
    // A profile without name or email has neither key, not empty ones.
    expect(users.find((u) => u.metadata.name === 'carol')?.spec).toEqual({ profile: {}, memberOf: ['sre'] });
    expect(groups.find((g) => g.metadata.name === 'sre')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'sre',
        description: 'sre team',
        annotations: { 'github.com/team-slug': 'acme/sre', 'backstage.io/edit-url': 'https://github.com/orgs/acme/teams/sre/edit' },
      },
      spec: { type: 'team', profile: { displayName: 'SRE' }, parent: 'platform', children: [], members: ['carol'] },
    });
  });

  it('links parents and children, and keeps a team\'s members to its direct ones', async () => {
    const { groups } = await githubOrgEntities(snapshot);
    const platform = groups.find((g) => g.metadata.name === 'platform')!;
    expect(platform.spec).toMatchObject({ children: ['sre'], members: ['alice'] });
    expect(platform.spec.parent).toBeUndefined();
    // mallory is listed on a team but is not an organisation member: no User, no reference.
    expect(groups.find((g) => g.metadata.name === 'payments')!.spec.members).toEqual(['alice', 'bob']);
    const relations = emitRelations(platform).map((r) => `${r.type} ${r.target}`);
    expect(relations).toEqual(expect.arrayContaining(['parentOf group:default/sre', 'hasMember user:default/alice']));
  });

  it('puts everything in the configured namespace, references included', async () => {
    const { users, groups } = await githubOrgEntities(snapshot, { namespace: 'acme' });
    expect([...users, ...groups].every((e) => e.metadata.namespace === 'acme')).toBe(true);
    const alice = users.find((u) => u.metadata.name === 'alice')!;
    expect(emitRelations(alice).map((r) => `${r.type} ${r.target}`)).toEqual(expect.arrayContaining(['memberOf group:acme/platform']));
  });

  it('is deterministic whatever order GitHub listed things in', async () => {
    const shuffled: GithubOrgSnapshot = {
      ...snapshot,
      users: [...snapshot.users].reverse(),
      teams: [...snapshot.teams].reverse().map((t) => ({ ...t, members: [...t.members].reverse() })),
    };
    const a = await githubOrgEntities(snapshot);
    const b = await githubOrgEntities(shuffled);
    expect(JSON.stringify(b)).toEqual(JSON.stringify(a));
    expect(a.users.map((u) => u.metadata.name)).toEqual(['alice', 'bob', 'carol']);
    expect(a.groups.map((g) => g.metadata.name)).toEqual(['payments', 'platform', 'sre']);
  });

  it('leaves out, with the reason, what @backstage/catalog-model rejects', async () => {
    const { users, errors } = await githubOrgEntities({ ...snapshot, users: [...snapshot.users, { login: 'x'.repeat(70) }] });
    expect(users).toHaveLength(3);
    expect(errors).toEqual([{ ref: `user:default/${'x'.repeat(70)}`, error: expect.stringContaining('metadata.name') }]);
  });

  it('ignores a parent that is not one of the organisation\'s teams', async () => {
    const { groups } = await githubOrgEntities({ ...snapshot, teams: [team('orphan', ['alice'], 'gone')] });
    expect(groups[0].spec.parent).toBeUndefined();
  });
});

describe('githubOrgLocation', () => {
  it('is the organisation\'s web URL without a trailing slash', () => {
    expect(githubOrgLocation('https://github.com/acme/')).toEqual({ type: 'url', target: 'https://github.com/acme' });
  });
});

describe('planOrgSync', () => {
  it('upserts new and changed entities, removes gone ones, and skips unchanged ones', async () => {
    const first = await githubOrgEntities(snapshot);
    const initial = planOrgSync([], [...first.users, ...first.groups]);
    expect(initial.upserts.map((u) => u.ref)).toEqual(['group:default/payments', 'group:default/platform', 'group:default/sre', 'user:default/alice', 'user:default/bob', 'user:default/carol']);
    expect(initial.removals).toEqual([]);

    // bob leaves the organisation (and so payments).
    const second = await githubOrgEntities({ ...snapshot, users: snapshot.users.filter((u) => u.login !== 'bob') });
    const next = planOrgSync(initial.published, [...second.users, ...second.groups]);
    expect(next.removals).toEqual(['user:default/bob']);
    expect(next.upserts.map((u) => u.ref)).toEqual(['group:default/payments']);
    expect(next.unchanged).toBe(4);
    expect(next.published.map((p) => p.ref)).not.toContain('user:default/bob');

    expect(planOrgSync(next.published, [...second.users, ...second.groups], { force: true }).upserts).toHaveLength(5);
  });
});
