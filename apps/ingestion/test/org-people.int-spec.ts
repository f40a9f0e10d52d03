import { GitHubStandIn } from '@callboard/github-stand-in';
import type { Entity } from '@callboard/entity-model';
import { catalogService } from '../../catalog/src/catalog.service';
import { queryService } from '../../query/src/query.service';
import { ingestionService } from '../src/ingestion.service';
import { reconcile } from '../src/reconcile';
import { isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { catalogReader } from '../../../test/support/catalog-reader';
import { webhookDeliverer } from '../../../test/support/webhook-deliverer';
import { webhookExample } from '../../../test/support/webhook-examples';

// Users and Groups follow the GitHub organisation: each test changes the stand-in's
// organisation as GitHub would, sends the real example payload of the matching webhook
// (adapted to the stand-in's organisation), and reads the result through the query API.

const SECRET = 'org-people-secret';
const STATIC_TOKEN = 'ghs_test_reader';
const ORG = 'acme';

/** The first real example of `event` with `action` matching `pick`, moved to the stand-in's organisation. */
function example(event: string, action: string, adapt: { orgId: number; installationId: number; pick?: (e: Record<string, unknown>) => boolean }): Record<string, any> {
  const found = webhookExample(event, action, adapt.pick);
  const payload = JSON.parse(JSON.stringify(found).replace(/Octocoders/g, ORG)) as Record<string, any>;
  payload.organization.id = adapt.orgId;
  payload.installation = { id: adapt.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return payload;
}

function asTeam(payload: Record<string, any>, slug: string, name: string): Record<string, any> {
  payload.team = { ...payload.team, slug, name, html_url: `https://github.com/orgs/${ORG}/teams/${slug}` };
  return payload;
}

function asMember(user: Record<string, any>, login: string): Record<string, any> {
  return { ...user, login, url: `https://api.github.com/users/${login}`, html_url: `https://github.com/${login}` };
}

describe('organisation people (organization, team and membership webhooks → Users and Groups)', () => {
  const github = new GitHubStandIn({ token: STATIC_TOKEN });
  let ingestion: RunningService;
  let catalog: RunningService;
  let query: RunningService;
  let installationId: number;
  let orgId: number;
  let otherInstallationId: number;
  let appId: number;
  let deliveryDeadLetters: TopicProbe;
  let env: Record<string, string>;

  beforeAll(async () => {
    const apiUrl = await github.start();
    const app = github.createApp({ name: 'Callboard' });
    appId = app.id;
    github.addOrgMember(ORG, 'alice', { name: 'Alice Liddell', email: 'alice@acme.example' });
    github.createTeam(ORG, 'Platform', { description: 'Runs the platform' });
    github.addTeamMember(ORG, 'platform', 'alice');
    github.addOrgMember(ORG, 'bob', { name: 'Bob' });
    installationId = github.createInstallation(app.id, ORG, 'all');
    // Installed without the organisation permission Members: read.
    github.addOrgMember('globex', 'hank');
    otherInstallationId = github.createInstallation(app.id, 'globex', 'all', { permissions: { contents: 'read', metadata: 'read' } });
    // The organisation's id as GitHub reports it, for the payloads.
    orgId = ((await (await fetch(`${apiUrl}/orgs/${ORG}`, { headers: { authorization: `token ${STATIC_TOKEN}` } })).json()) as { id: number }).id;

    env = {
      ...isolatedEnv('org_people'),
      GITHUB_API_URL: apiUrl,
      // Ingestion reads as the App, through the installation each payload names.
      GITHUB_APP_ID: String(app.id),
      GITHUB_APP_PRIVATE_KEY: app.privateKey,
      GITHUB_WEBHOOK_SECRET: SECRET,
    };
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    ingestion = await startService(ingestionService, env);
    deliveryDeadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  });

  afterAll(async () => {
    await deliveryDeadLetters?.stop();
    await ingestion?.close();
    await query?.close();
    await catalog?.close();
    await github.stop();
  });

  const send = webhookDeliverer(() => ingestion.url, SECRET);
  const { read, until } = catalogReader(() => query.url);
  const relations = (entity: Entity | null) => (entity?.relations ?? []).map((r) => `${r.type} ${r.targetRef}`).sort();
  const ids = { get orgId() { return orgId; }, get installationId() { return installationId; } };

  it('organization.member_added: the new member is a User, with memberOf their teams', async () => {
    github.addOrgMember(ORG, 'hacktocat', { name: 'Hack Tocat', email: 'hack@acme.example' });
    github.addTeamMember(ORG, 'platform', 'hacktocat');
    const payload = example('organization', 'member_added', { ...ids, pick: (e) => 'installation' in e });
    expect(payload.membership.user.login).toBe('hacktocat');
    await send('organization', payload);

    const { entity: user } = await until('user', 'hacktocat', (e) => relations(e).includes('memberOf group:default/platform'));
    expect(user).toMatchObject({
      metadata: {
        name: 'hacktocat',
        annotations: {
          'github.com/user-login': 'hacktocat',
          'backstage.io/managed-by-location': `url:https://github.com/${ORG}`,
          'backstage.io/managed-by-origin-location': `url:https://github.com/${ORG}`,
        },
      },
      spec: { profile: { displayName: 'Hack Tocat', email: 'hack@acme.example' }, memberOf: ['platform'] },
    });
    // The state-based sync also brought in what was there before the first event.
    const { entity: platform } = await until('group', 'platform', (e) => relations(e).includes('hasMember user:default/hacktocat'));
    expect(platform?.spec).toMatchObject({ type: 'team', profile: { displayName: 'Platform' }, members: ['alice', 'hacktocat'], children: [] });
    expect(platform?.metadata.annotations?.['github.com/team-slug']).toBe(`${ORG}/platform`);
    await until('user', 'alice', (e) => JSON.stringify(e?.spec?.memberOf) === JSON.stringify(['platform']));
    await until('user', 'bob', (e) => JSON.stringify(e?.spec?.memberOf) === JSON.stringify([]));
  });

  it('team.created with a parent: the Group has its parent, and the parent lists it among its children', async () => {
    github.createTeam(ORG, 'SRE', { parent: 'platform', description: 'Keeps it up' });
    github.addTeamMember(ORG, 'sre', 'bob');
    // The package's team.created example has no parent; GitHub's schema gives the team a
    // `parent` (team-simple or null), added here as GitHub sends it for a nested team.
    const payload = asTeam(example('team', 'created', ids), 'sre', 'SRE');
    payload.team.parent = { ...asTeam({ team: { ...payload.team } }, 'platform', 'Platform').team, id: payload.team.id - 1 };
    await send('team', payload);

    const { entity: sre } = await until('group', 'sre', (e) => relations(e).includes('childOf group:default/platform'));
    expect(sre?.spec).toMatchObject({ type: 'team', parent: 'platform', children: [], members: ['bob'] });
    // GitHub lists bob among platform's members too (through sre); the Group keeps its direct ones.
    const { entity: platform } = await until('group', 'platform', (e) => JSON.stringify(e?.spec?.children) === JSON.stringify(['sre']));
    expect(platform?.spec).toMatchObject({ children: ['sre'], members: ['alice', 'hacktocat'] });
    await until('user', 'bob', (e) => JSON.stringify(e?.spec?.memberOf) === JSON.stringify(['sre']));
  });

  it('membership.removed: the User is no longer memberOf the team', async () => {
    github.removeTeamMember(ORG, 'platform', 'hacktocat');
    const payload = example('membership', 'removed', { ...ids, pick: (e) => typeof (e.team as { slug?: string }).slug === 'string' });
    asTeam(payload, 'platform', 'Platform');
    payload.member = asMember(payload.member, 'hacktocat');
    await send('membership', payload);

    const { entity: user } = await until('user', 'hacktocat', (e) => e !== null && relations(e).every((r) => !r.startsWith('memberOf')));
    expect(user?.spec?.memberOf).toEqual([]);
    const { entity: platform } = await until('group', 'platform', (e) => !relations(e).includes('hasMember user:default/hacktocat'));
    expect(platform?.spec?.members).toEqual(['alice']);
  });

  it('organization.member_removed: the User leaves the catalog', async () => {
    github.removeOrgMember(ORG, 'hacktocat');
    // @octokit/webhooks-examples has no organization.member_removed example: built from the
    // member_added one as GitHub's documented schema describes it (same `membership` object).
    const payload = example('organization', 'member_added', { ...ids, pick: (e) => 'installation' in e });
    payload.action = 'member_removed';
    payload.membership.state = 'active';
    await send('organization', payload);

    await until('user', 'hacktocat', (e) => e === null);
    expect(await read('user', 'alice')).not.toBeNull();
  });

  it('team.deleted: the Group leaves the catalog and its parent no longer lists it', async () => {
    github.deleteTeam(ORG, 'sre');
    await send('team', asTeam(example('team', 'deleted', ids), 'sre', 'SRE'));

    await until('group', 'sre', (e) => e === null);
    // The parent's own change and the withdrawal of what sre emitted towards it are two updates
    // of platform (sre's reaches it through sre's partition): both end up served.
    const { entity: platform } = await until('group', 'platform', (e) => JSON.stringify(e?.spec?.children) === JSON.stringify([]) && !relations(e).includes('parentOf group:default/sre'));
    expect(relations(platform)).not.toContain('parentOf group:default/sre');
    await until('user', 'bob', (e) => JSON.stringify(e?.spec?.memberOf) === JSON.stringify([]));
  });

  it('team.edited with a new parent moves the Group under it', async () => {
    github.createTeam(ORG, 'Payments');
    github.setTeamParent(ORG, 'platform', 'payments');
    // The example's `changes` is empty; GitHub's schema has no `parent` in `changes`, so a
    // parent change arrives as an edit whose team carries the new parent.
    const payload = asTeam(example('team', 'edited', ids), 'platform', 'Platform');
    payload.team.parent = { ...payload.team, slug: 'payments', name: 'Payments', html_url: `https://github.com/orgs/${ORG}/teams/payments` };
    await send('team', payload);

    const { entity: platform } = await until('group', 'platform', (e) => e?.spec?.parent === 'payments');
    expect(relations(platform)).toContain('childOf group:default/payments');
    const { entity: payments } = await until('group', 'payments', (e) => e !== null);
    expect(payments?.spec).toMatchObject({ children: ['platform'], members: [] });
  });

  it('organization.member_invited and team.added_to_repository change nothing and read nothing', async () => {
    const peopleReads = () => github.requests.filter((r) => r.path.startsWith(`/orgs/${ORG}`)).length;
    const before = peopleReads();
    await send('organization', example('organization', 'member_invited', ids));
    await send('team', asTeam(example('team', 'added_to_repository', { ...ids, pick: (e) => 'installation' in e }), 'platform', 'Platform'));
    // A handled event reads the organisation within a few hundred milliseconds (see above).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(peopleReads()).toBe(before);
  });

  it('an organisation the App cannot read the people of is dead-lettered with the reason', async () => {
    const payload = example('team', 'created', ids);
    payload.organization = { ...payload.organization, login: 'globex', id: orgId + 1000 };
    payload.installation.id = otherInstallationId;
    const response = await send('team', payload);

    const [dead] = await deliveryDeadLetters.waitFor((m) => m.json<{ deliveryId?: string }>().deliveryId === response.deliveryId);
    expect(dead.json()).toMatchObject({ reason: expect.stringContaining('Resource not accessible by integration'), details: { org: 'globex', event: 'team', action: 'created' } });
    expect(await read('user', 'hank')).toBeNull();
  });

  it('membership.added: the User is memberOf the team it joined', async () => {
    github.addTeamMember(ORG, 'payments', 'bob');
    const payload = example('membership', 'added', ids);
    asTeam(payload, 'payments', 'Payments');
    payload.member = asMember(payload.member, 'bob');
    await send('membership', payload);

    // The Group's members and the User's memberOf arrive as two entity events: wait for both.
    await until('user', 'bob', (e) => relations(e).includes('memberOf group:default/payments') && JSON.stringify(e?.spec?.memberOf) === JSON.stringify(['payments']));
    await until('group', 'payments', (e) => JSON.stringify(e?.spec?.members) === JSON.stringify(['bob']));
  });

  /** The real `installation` payload of an action, for the App's installation on `account`. */
  const installationPayload = (action: string, id: number, account: string) => {
    const payload = webhookExample('installation', action);
    const installation = payload.installation as { account: Record<string, unknown> };
    payload.installation = { ...installation, id, account: { ...installation.account, login: account, type: 'Organization' } };
    return payload;
  };

  it('reconciliation brings Users and Groups to what GitHub says after organisation events were missed', async () => {
    // Changed in GitHub with no webhook delivered.
    github.addOrgMember(ORG, 'unannounced', { name: 'Never Announced' });
    github.addTeamMember(ORG, 'platform', 'unannounced');
    github.removeOrgMember(ORG, 'bob');
    await until('user', 'bob', (e) => e !== null);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let outcome: Awaited<ReturnType<typeof reconcile>>;
    try {
      outcome = await reconcile(['--org', ORG]);
    } finally {
      process.env = saved;
    }
    expect(outcome.failures).toEqual([]);
    expect(outcome.organisations).toBe(1);
    await until('user', 'unannounced', (e) => relations(e).includes('memberOf group:default/platform'));
    await until('user', 'bob', (e) => e === null);
    await until('group', 'platform', (e) => ((e?.spec?.members as string[] | undefined) ?? []).includes('unannounced'));
  });

  it('a GitHub that serves no user profiles still gives every member a User, from the members list', async () => {
    github.setEndpointServed('users', false);
    try {
      github.addOrgMember(ORG, 'profileless', { name: 'Not Shown' });
      await send('organization', example('organization', 'member_added', { ...ids, pick: (e) => 'installation' in e }));
      const { entity } = await until('user', 'profileless', (e) => e !== null);
      expect(entity?.spec?.profile).not.toHaveProperty('displayName');
      expect(await read('user', 'alice')).not.toBeNull();
    } finally {
      github.setEndpointServed('users', true);
    }
  });

  it('installation.suspend: the Users and Groups read through it leave; unsuspend brings them back', async () => {
    github.suspendInstallation(installationId);
    await send('installation', installationPayload('suspend', installationId, ORG));
    await until('user', 'alice', (e) => e === null);
    await until('group', 'platform', (e) => e === null);

    github.unsuspendInstallation(installationId);
    await send('installation', installationPayload('unsuspend', installationId, ORG));
    const { entity: alice } = await until('user', 'alice', (e) => relations(e).includes('memberOf group:default/platform'));
    expect(alice?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:https://github.com/${ORG}`);
    await until('group', 'payments', (e) => JSON.stringify(e?.spec?.children) === JSON.stringify(['platform']));
  });

  it('organization.renamed: Users and Groups move to the new organisation URL, keeping their uids', async () => {
    const { entity: aliceBefore } = await until('user', 'alice', (e) => e !== null);
    const { entity: platformBefore } = await until('group', 'platform', (e) => e !== null);
    github.renameOwner(ORG, 'acme-corp');
    const payload = example('organization', 'renamed', ids);
    expect(payload.changes).toEqual({ login: { from: ORG } });
    payload.organization = { ...payload.organization, login: 'acme-corp', url: 'https://api.github.com/orgs/acme-corp' };
    await send('organization', payload);

    const moved = (e: Entity | null) => e?.metadata.annotations?.['backstage.io/managed-by-location'] === 'url:https://github.com/acme-corp';
    const { entity: alice } = await until('user', 'alice', moved);
    const { entity: platform } = await until('group', 'platform', moved);
    expect(alice?.metadata.uid).toBe(aliceBefore?.metadata.uid);
    expect(platform?.metadata.uid).toBe(platformBefore?.metadata.uid);
    expect(platform?.metadata.annotations?.['github.com/team-slug']).toBe('acme-corp/platform');
    // Not a conflict with the organisation's former location.
    const conflicts = (await (await fetch(`${query.url}/api/catalog/conflicts`)).json()) as unknown;
    expect(JSON.stringify(conflicts)).not.toContain('acme-corp');
  });

  it('installation.deleted: the Users and Groups leave; installation.created brings them in again', async () => {
    github.deleteInstallation(installationId);
    await send('installation', installationPayload('deleted', installationId, 'acme-corp'));
    await until('user', 'alice', (e) => e === null);
    await until('group', 'payments', (e) => e === null);

    installationId = github.createInstallation(appId, 'acme-corp', 'all');
    await send('installation', installationPayload('created', installationId, 'acme-corp'));
    await until('user', 'alice', (e) => relations(e).includes('memberOf group:default/platform'));
    await until('group', 'payments', (e) => e !== null);
  });

  it('organization.deleted: everything published from the organisation leaves', async () => {
    // @octokit/webhooks-examples has no organization.deleted example: built from the renamed
    // one as GitHub's schema describes it (action and organization; no changes).
    const payload = example('organization', 'renamed', ids);
    payload.action = 'deleted';
    delete payload.changes;
    payload.organization = { ...payload.organization, login: 'acme-corp' };
    await send('organization', payload);
    await until('user', 'alice', (e) => e === null);
    await until('user', 'bob', (e) => e === null);
    await until('group', 'platform', (e) => e === null);
  });
});
