import { Logger } from '@nestjs/common';
import { entityEventV1Schema, EntityEventV1 } from '@callboard/contracts';
import type { GithubOrgSnapshot } from '@callboard/entity-model';
import type { EventPublisher, OutgoingRecord } from '@callboard/kafka';
import { EntityEventGateway } from '../entity-events/entity-event.gateway';
import type { IngestionConfig } from '../ingestion.config';
import type { GithubOrgRead, GithubOrgRepository } from './github-org.repository';
import type { OrgSyncState, OrgSyncStateRepository } from './org-sync-state.repository';
import { SyncGithubOrgUseCase } from './sync-github-org.use-case';

// The use-case with its side effects replaced by in-memory fakes: what it publishes, in
// which order and from which location, for the cases the webhook tests cannot stage
// (an organisation renamed, deleted, a forced reconciliation, an organisation not configured).

const ORG_ID = 4242;

function snapshot(login: string, users: string[], teams: Array<{ slug: string; members: string[] }> = []): GithubOrgSnapshot {
  return {
    org: { login, htmlUrl: `https://github.com/${login}` },
    users: users.map((u) => ({ login: u })),
    teams: teams.map((t) => ({ ...t, name: t.slug, htmlUrl: `https://github.com/orgs/${login}/teams/${t.slug}` })),
  };
}

function setup(config: Partial<IngestionConfig> = {}) {
  let current: GithubOrgRead = { id: ORG_ID, login: 'acme', snapshot: snapshot('acme', ['alice', 'bob'], [{ slug: 'platform', members: ['alice'] }]) };
  const states = new Map<number, OrgSyncState>();
  const published: EntityEventV1[] = [];
  const github = { read: jest.fn(async () => structuredClone(current)) };
  const state = {
    find: async (id: number) => structuredClone(states.get(id) ?? null),
    save: async (s: OrgSyncState) => void states.set(s.orgId, structuredClone(s)),
    delete: async (id: number) => void states.delete(id),
    findByInstallation: async (installationId: number) => [...states.values()].filter((s) => s.installationId === installationId),
  };
  const deadLetters: unknown[] = [];
  // Kafka is the only fake: the real gateway builds the events.
  const publisher = {
    publishAll: async (records: OutgoingRecord[]) => {
      for (const r of records) {
        if (r.schema === entityEventV1Schema) published.push(entityEventV1Schema.parse(r.value));
        else deadLetters.push(r.value);
      }
    },
  };
  const settings = { KAFKA_TOPIC_PREFIX: '', GITHUB_ORGS: [], GITHUB_ORG_NAMESPACE: 'default', ...config } as IngestionConfig;
  const useCase = new SyncGithubOrgUseCase(
    github as unknown as GithubOrgRepository,
    state as unknown as OrgSyncStateRepository,
    new EntityEventGateway(publisher as unknown as EventPublisher, settings),
    settings,
  );
  const drain = () => published.splice(0).map((e) => `${e.type} ${e.entityRef} ${e.location.target}`);
  return { useCase, github, states, drain, published, setOrg: (read: GithubOrgRead) => (current = read) };
}

describe('SyncGithubOrgUseCase', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('publishes everything on the first sync, then only what changed', async () => {
    const { useCase, drain, setOrg, published } = setup();
    await useCase.execute({ org: 'acme', deliveryId: 'd1' });
    expect(drain()).toEqual([
      'upsert group:default/platform https://github.com/acme',
      'upsert user:default/alice https://github.com/acme',
      'upsert user:default/bob https://github.com/acme',
    ]);

    await useCase.execute({ org: 'acme', deliveryId: 'd2' });
    expect(drain()).toEqual([]);

    setOrg({ id: ORG_ID, login: 'acme', snapshot: snapshot('acme', ['alice'], [{ slug: 'platform', members: ['alice'] }]) });
    const outcome = await useCase.execute({ org: 'acme', deliveryId: 'd3' });
    expect(outcome).toMatchObject({ upserts: 0, removals: 1, unchanged: 2 });
    const [removal] = published;
    expect(removal).toMatchObject({ source: { provider: 'github', deliveryId: 'd3', repository: 'acme', path: 'members-and-teams' } });
    expect(drain()).toEqual(['removal user:default/bob https://github.com/acme']);
  });

  it('publishes each sync with a newer source version than the last, so the catalog orders them', async () => {
    const { useCase, published, setOrg } = setup();
    await useCase.execute({ org: 'acme', deliveryId: 'd1' });
    const first = published[0].sourceVersion;
    setOrg({ id: ORG_ID, login: 'acme', snapshot: snapshot('acme', ['alice']) });
    await useCase.execute({ org: 'acme', deliveryId: 'd2' });
    expect(published.slice(3).every((e) => e.sourceVersion > first)).toBe(true);
  });

  it('upserts everything again when forced (a reconciliation)', async () => {
    const { useCase, drain } = setup();
    await useCase.execute({ org: 'acme', deliveryId: 'd1' });
    drain();
    expect(await useCase.execute({ org: 'acme', deliveryId: 'r1', force: true })).toMatchObject({ upserts: 3, removals: 0 });
  });

  it('moves everything to the new location when the organisation is renamed, naming the old one as superseded so uids are kept', async () => {
    const { useCase, drain, setOrg, states, published } = setup();
    await useCase.execute({ org: 'acme', deliveryId: 'd1' });
    drain();
    // Renamed, and bob left in between: he is released by the old location.
    setOrg({ id: ORG_ID, login: 'acme-corp', snapshot: snapshot('acme-corp', ['alice'], [{ slug: 'platform', members: ['alice'] }]) });
    await useCase.execute({ org: 'acme-corp', deliveryId: 'd2' });
    const upserts = published.filter((e) => e.type === 'upsert');
    expect(drain()).toEqual([
      'removal user:default/bob https://github.com/acme',
      'upsert group:default/platform https://github.com/acme-corp',
      'upsert user:default/alice https://github.com/acme-corp',
    ]);
    expect(upserts.map((e) => e.type === 'upsert' && e.supersedesLocation)).toEqual([
      { type: 'url', target: 'https://github.com/acme' },
      { type: 'url', target: 'https://github.com/acme' },
    ]);
    expect(states.get(ORG_ID)).toMatchObject({ login: 'acme-corp', locationTarget: 'https://github.com/acme-corp' });
    // The next sync is an ordinary one: nothing supersedes anything any more.
    await useCase.execute({ org: 'acme-corp', deliveryId: 'd3', force: true });
    expect(published.every((e) => e.type !== 'upsert' || e.supersedesLocation === undefined)).toBe(true);
  });

  it('removes the people of organisations read through an installation that was deleted or suspended, and no others', async () => {
    const { useCase, drain, states, setOrg } = setup();
    setOrg({ id: ORG_ID, login: 'acme', installationId: 7, snapshot: snapshot('acme', ['alice']) });
    await useCase.execute({ org: 'acme', installationId: 7, deliveryId: 'd1' });
    setOrg({ id: ORG_ID + 1, login: 'globex', installationId: 8, snapshot: snapshot('globex', ['hank']) });
    await useCase.execute({ org: 'globex', installationId: 8, deliveryId: 'd2' });
    drain();
    expect(await useCase.forgetInstallation({ installationId: 7, account: 'acme', deliveryId: 'd3' })).toEqual([expect.objectContaining({ org: 'acme', removals: 1 })]);
    expect(drain()).toEqual(['removal user:default/alice https://github.com/acme']);
    expect([...states.keys()]).toEqual([ORG_ID + 1]);
  });

  it('removes everything it published when the organisation is deleted', async () => {
    const { useCase, drain, states } = setup();
    await useCase.execute({ org: 'acme', deliveryId: 'd1' });
    drain();
    expect(await useCase.removeAll({ orgId: ORG_ID, org: 'acme', deliveryId: 'd2' })).toMatchObject({ removals: 3 });
    expect(drain()).toEqual([
      'removal group:default/platform https://github.com/acme',
      'removal user:default/alice https://github.com/acme',
      'removal user:default/bob https://github.com/acme',
    ]);
    expect(states.has(ORG_ID)).toBe(false);
  });

  it('reads nothing for an organisation outside GITHUB_ORGS', async () => {
    const { useCase, github, drain } = setup({ GITHUB_ORGS: ['initech'] });
    expect(await useCase.execute({ org: 'Acme', deliveryId: 'd1' })).toMatchObject({ skipped: 'not one of GITHUB_ORGS' });
    expect(github.read).not.toHaveBeenCalled();
    expect(drain()).toEqual([]);
  });

  it('runs one sync of an organisation at a time', async () => {
    const { useCase, github } = setup();
    let active = 0;
    let maxActive = 0;
    const read = github.read.getMockImplementation()!;
    github.read.mockImplementation(async () => {
      maxActive = Math.max(maxActive, ++active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      active -= 1;
      return read();
    });
    await Promise.all([1, 2, 3].map((n) => useCase.execute({ org: 'acme', deliveryId: `d${n}` })));
    expect(github.read).toHaveBeenCalledTimes(3);
    expect(maxActive).toBe(1);
  });
});
