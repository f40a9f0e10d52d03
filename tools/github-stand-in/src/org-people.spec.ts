import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { GitHubStandIn } from './github-stand-in';
import { teamSlug } from './org-directory';

const TOKEN = 'ghp_people';

describe('GitHubStandIn organisation people', () => {
  let github: GitHubStandIn;
  let octokit: Octokit;
  let baseUrl: string;

  beforeEach(async () => {
    github = new GitHubStandIn({ token: TOKEN });
    baseUrl = await github.start();
    octokit = new Octokit({ baseUrl, auth: TOKEN, request: { retries: 0 } });
    github.addOrgMember('acme', 'alice', { name: 'Alice Liddell', email: 'alice@acme.test', role: 'admin' });
    github.addOrgMember('acme', 'bob', { name: 'Bob' });
    github.addOrgMember('acme', 'carol');
  });

  afterEach(async () => {
    await github.stop();
  });

  const logins = (users: Array<{ login: string }>) => users.map((u) => u.login);

  it('renames an organisation: same id, new login; members, teams and repositories follow, old repository names redirect', async () => {
    github.createTeam('acme', 'Platform');
    github.addTeamMember('acme', 'platform', 'alice');
    github.createRepository('acme/shop');
    const { data: before } = await octokit.rest.orgs.get({ org: 'acme' });
    github.renameOwner('acme', 'acme-corp');
    const { data: after } = await octokit.rest.orgs.get({ org: 'acme-corp' });
    expect(after).toMatchObject({ id: before.id, login: 'acme-corp', html_url: 'https://github.com/acme-corp' });
    await expect(octokit.rest.orgs.get({ org: 'acme' })).rejects.toMatchObject({ status: 404 });
    expect(logins(await octokit.paginate(octokit.rest.orgs.listMembers, { org: 'acme-corp' }))).toEqual(['alice', 'bob', 'carol']);
    expect(logins((await octokit.rest.teams.listMembersInOrg({ org: 'acme-corp', team_slug: 'platform' })).data)).toEqual(['alice']);
    expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'shop' })).data.full_name).toBe('acme-corp/shop');
  });

  it('lists members with roles, paginated, and serves user profiles', async () => {
    expect(logins(await octokit.paginate(octokit.rest.orgs.listMembers, { org: 'acme', per_page: 2 }))).toEqual(['alice', 'bob', 'carol']);
    expect(logins((await octokit.rest.orgs.listMembers({ org: 'acme', role: 'admin' })).data)).toEqual(['alice']);
    const page = await octokit.rest.orgs.listMembers({ org: 'acme', per_page: 2 });
    expect(page.headers.link).toMatch(/page=2>; rel="next"/);
    expect(page.data[0]).toMatchObject({ login: 'alice', type: 'User', url: `${baseUrl}/users/alice`, avatar_url: expect.stringMatching(/^https:/) });

    const { data: alice } = await octokit.rest.users.getByUsername({ username: 'ALICE' });
    expect(alice).toMatchObject({ login: 'alice', name: 'Alice Liddell', email: 'alice@acme.test', type: 'User', html_url: 'https://github.com/alice' });
    github.setUser('alice', { name: 'Alice L.', email: null });
    expect((await octokit.rest.users.getByUsername({ username: 'alice' })).data).toMatchObject({ name: 'Alice L.', email: null });
    expect((await octokit.rest.users.getByUsername({ username: 'acme' })).data).toMatchObject({ login: 'acme', type: 'Organization' });
    await expect(octokit.rest.users.getByUsername({ username: 'nobody' })).rejects.toMatchObject({ status: 404 });

    github.removeOrgMember('acme', 'bob');
    expect(logins((await octokit.rest.orgs.listMembers({ org: 'acme' })).data)).toEqual(['alice', 'carol']);
  });

  it('serves nested teams with parents and members, child team members included', async () => {
    expect(github.createTeam('acme', 'Engineering')).toBe('engineering');
    expect(github.createTeam('acme', 'Platform Team', { parent: 'engineering', description: 'runs things' })).toBe('platform-team');
    github.createTeam('acme', 'SRE', { parent: 'platform-team' });
    github.addTeamMember('acme', 'engineering', 'alice', 'maintainer');
    github.addTeamMember('acme', 'platform-team', 'bob');
    github.addTeamMember('acme', 'sre', 'dave'); // not yet in the organisation: joins it

    const teams = await octokit.paginate(octokit.rest.teams.list, { org: 'acme', per_page: 2 });
    expect(teams.map((t) => [t.slug, t.parent?.slug ?? null])).toEqual([
      ['engineering', null],
      ['platform-team', 'engineering'],
      ['sre', 'platform-team'],
    ]);
    const { data: platform } = await octokit.rest.teams.getByName({ org: 'acme', team_slug: 'platform-team' });
    expect(platform).toMatchObject({
      name: 'Platform Team',
      slug: 'platform-team',
      description: 'runs things',
      privacy: 'closed',
      parent: { slug: 'engineering', name: 'Engineering' },
      members_count: 2,
      organization: { login: 'acme', type: 'Organization' },
      html_url: 'https://github.com/orgs/acme/teams/platform-team',
    });

    const members = (slug: string, role?: 'member' | 'maintainer') => octokit.paginate(octokit.rest.teams.listMembersInOrg, { org: 'acme', team_slug: slug, role });
    expect(logins(await members('engineering'))).toEqual(['alice', 'bob', 'dave']);
    expect(logins(await members('engineering', 'maintainer'))).toEqual(['alice']);
    expect(logins(await members('sre'))).toEqual(['dave']);
    expect(logins((await octokit.rest.orgs.listMembers({ org: 'acme' })).data)).toContain('dave');

    github.removeTeamMember('acme', 'platform-team', 'bob');
    expect(logins(await members('platform-team'))).toEqual(['dave']);
    github.removeOrgMember('acme', 'dave');
    expect(logins(await members('engineering'))).toEqual(['alice']);
  });

  it('renames (new slug), re-parents and deletes teams like GitHub', async () => {
    github.createTeam('acme', 'Engineering');
    github.createTeam('acme', 'Web');
    github.createTeam('acme', 'Frontend', { parent: 'web' });
    expect(github.renameTeam('acme', 'web', 'Web & Mobile')).toBe('web-mobile');
    await expect(octokit.rest.teams.getByName({ org: 'acme', team_slug: 'web' })).rejects.toMatchObject({ status: 404 });
    expect((await octokit.rest.teams.getByName({ org: 'acme', team_slug: 'frontend' })).data.parent?.slug).toBe('web-mobile');

    github.setTeamParent('acme', 'web-mobile', 'engineering');
    expect(() => github.setTeamParent('acme', 'engineering', 'frontend')).toThrow(/cannot be the parent/);
    github.setTeamParent('acme', 'frontend', null);
    expect((await octokit.rest.teams.getByName({ org: 'acme', team_slug: 'frontend' })).data.parent).toBeNull();

    github.setTeamParent('acme', 'frontend', 'web-mobile');
    expect(github.deleteTeam('acme', 'engineering').sort()).toEqual(['engineering', 'frontend', 'web-mobile']);
    expect((await octokit.rest.teams.list({ org: 'acme' })).data).toEqual([]);
    expect(() => github.createTeam('acme', 'a')).not.toThrow();
    expect(() => github.createTeam('acme', 'A')).toThrow(/already exists/);
  });

  it('derives slugs as GitHub does', () => {
    expect(teamSlug('Platform Team')).toBe('platform-team');
    expect(teamSlug('  Web & Mobile!! ')).toBe('web-mobile');
    expect(teamSlug('core_infra-2')).toBe('core_infra-2');
  });

  it('answers org people endpoints only for the installation own organisation', async () => {
    github.createTeam('acme', 'Engineering');
    github.addOrgMember('other', 'zed');
    const app = github.createApp();
    const installationId = github.createInstallation(app.id, 'acme', 'all');
    const client = new Octokit({ baseUrl, authStrategy: createAppAuth, auth: { appId: app.id, privateKey: app.privateKey, installationId } });
    expect(logins((await client.rest.orgs.listMembers({ org: 'acme' })).data)).toEqual(['alice', 'bob', 'carol']);
    expect((await client.rest.teams.list({ org: 'acme' })).data.map((t) => t.slug)).toEqual(['engineering']);
    await expect(client.rest.orgs.listMembers({ org: 'other' })).rejects.toMatchObject({ status: 404 });

    const noMembers = github.createApp({ permissions: { contents: 'read', metadata: 'read' } });
    const limitedId = github.createInstallation(noMembers.id, 'acme', 'all');
    const limited = new Octokit({ baseUrl, authStrategy: createAppAuth, auth: { appId: noMembers.id, privateKey: noMembers.privateKey, installationId: limitedId } });
    await expect(limited.rest.orgs.listMembers({ org: 'acme' })).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    });
  });
});
