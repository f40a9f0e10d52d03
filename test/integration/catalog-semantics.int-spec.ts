import { CATALOG_CHANGE_WRITTEN_AT_HEADER, type EntityEventV1 } from '@callboard/contracts';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { queryService } from '../../apps/query/src/query.service';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { EntityEventWriter } from '../support/entity-event-writer';
import { componentEntity, groupEntity, removalEvent, upsertEvent } from '../factories/entity-events';

type Served = { metadata: { name: string; uid: string; etag: string }; spec: Record<string, unknown>; relations: Array<{ type: string; targetRef: string }> };
type Change = { id: string; type: string; subject: string; source: string; specversion: string; datacontenttype: string; time: string; data: { entityRef: string; uid: string; etag: string | null; before: Served | null; after: Served | null; patch: Array<{ op: string; path: string }> } };

interface Pipeline {
  env: Record<string, string>;
  catalog: RunningService;
  query: RunningService;
  writer: EntityEventWriter;
  changes: TopicProbe;
}

async function startPipeline(label: string): Promise<Pipeline> {
  const env = isolatedEnv(label);
  const catalog = await startService(catalogService, env);
  const query = await startService(queryService, env);
  const writer = await EntityEventWriter.connect(env);
  const changes = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.catalog-changes.v1`);
  return { env, catalog, query, writer, changes };
}

async function stopPipeline(p: Pipeline | undefined): Promise<void> {
  if (!p) return;
  await p.changes.stop();
  await p.writer.disconnect();
  await p.query.close();
  await p.catalog.close();
}

function send(p: Pipeline, ...events: EntityEventV1[]): Promise<void> {
  return p.writer.send(...events);
}

async function get<T>(p: Pipeline, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${p.query.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

const entityPath = (ref: string) => {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  return `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`;
};

async function served(p: Pipeline, ref: string): Promise<Served | undefined> {
  const { status, body } = await get<Served>(p, entityPath(ref));
  return status === 200 ? body : undefined;
}

async function servedWhen(p: Pipeline, ref: string, predicate: (e: Served) => boolean): Promise<Served> {
  return eventually(async () => {
    const entity = await served(p, ref);
    return entity && predicate(entity) ? entity : undefined;
  });
}

const relationsOf = (e: Served) => e.relations.map((r) => `${r.type} ${r.targetRef}`);
const changesFor = (p: Pipeline, ref: string) => p.changes.messages.filter((m) => m.key === ref).map((m) => m.json<Change>());

describe('catalog semantics: relations, stitching, change events, history, conflicts', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline('semantics');
  });
  afterAll(async () => stopPipeline(p));

  it('stitches relations in both directions and re-stitches exactly the affected entities when an owner moves', async () => {
    await send(p, upsertEvent(groupEntity('team-a')), upsertEvent(groupEntity('team-b')), upsertEvent(groupEntity('team-c')));
    await send(p, upsertEvent(componentEntity('mover', { owner: 'team-a', system: 'shop' }), { sourceVersion: 1 }));
    const a1 = await servedWhen(p, 'group:default/team-a', (e) => e.relations.length > 0);
    expect(relationsOf(a1)).toEqual(['ownerOf component:default/mover']);
    const mover = await servedWhen(p, 'component:default/mover', () => true);
    expect(relationsOf(mover)).toEqual(['ownedBy group:default/team-a', 'partOf system:default/shop']);
    const b1 = (await served(p, 'group:default/team-b'))!;
    const c1 = (await served(p, 'group:default/team-c'))!;
    expect(b1.relations).toEqual([]);

    await send(p, upsertEvent(componentEntity('mover', { owner: 'team-b', system: 'shop' }), { sourceVersion: 2 }));
    const b2 = await servedWhen(p, 'group:default/team-b', (e) => e.relations.length > 0);
    expect(relationsOf(b2)).toEqual(['ownerOf component:default/mover']);
    const a2 = await servedWhen(p, 'group:default/team-a', (e) => e.relations.length === 0);
    expect(a2.metadata.etag).not.toBe(a1.metadata.etag);
    expect(b2.metadata.etag).not.toBe(b1.metadata.etag);
    expect(a2.metadata.uid).toBe(a1.metadata.uid);
    expect((await served(p, 'group:default/team-c'))!.metadata.etag).toBe(c1.metadata.etag);

    // Re-stitch-only changes are change events too; the untouched group got none beyond its creation.
    await p.changes.waitFor((m) => m.key === 'group:default/team-a', 3);
    expect(changesFor(p, 'group:default/team-a').map((c) => c.type)).toEqual(['io.callboard.entity.created', 'io.callboard.entity.updated', 'io.callboard.entity.updated']);
    expect(changesFor(p, 'group:default/team-c').map((c) => c.type)).toEqual(['io.callboard.entity.created']);
    const moved = changesFor(p, 'component:default/mover').at(-1)!;
    expect(moved).toMatchObject({
      specversion: '1.0',
      type: 'io.callboard.entity.updated',
      subject: 'component:default/mover',
      datacontenttype: 'application/json',
      source: expect.stringMatching(/^\/callboard\/catalog\//),
      data: { entityRef: 'component:default/mover', uid: mover.metadata.uid, before: { spec: { owner: 'team-a' } }, after: { spec: { owner: 'team-b' } } },
    });
    expect(moved.data.patch).toEqual(expect.arrayContaining([expect.objectContaining({ op: 'replace', path: '/spec/owner' })]));
    // Published straight after its write, with the time that write was acknowledged: after the
    // change was recorded, before this probe received it.
    const movedMessage = p.changes.messages.filter((m) => m.key === 'component:default/mover').at(-1)!;
    const writtenAt = Number(movedMessage.headers[CATALOG_CHANGE_WRITTEN_AT_HEADER]);
    expect(writtenAt).toBeGreaterThanOrEqual(Date.parse(moved.time));
    expect(writtenAt).toBeLessThanOrEqual(Date.now());
  });

  it('writes nothing and publishes nothing for an unchanged input', async () => {
    const event = upsertEvent(componentEntity('steady', { owner: 'team-c' }), { sourceVersion: 5 });
    await send(p, event);
    const first = await servedWhen(p, 'component:default/steady', () => true);
    await p.changes.waitFor((m) => m.key === 'component:default/steady');
    await send(p, { ...event, eventId: '6f7b8c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d' }, upsertEvent(groupEntity('marker-unchanged')));
    await p.changes.waitFor((m) => m.key === 'group:default/marker-unchanged');
    expect((await served(p, 'component:default/steady'))!.metadata.etag).toBe(first.metadata.etag);
    expect(changesFor(p, 'component:default/steady')).toHaveLength(1);
  });

  it('removes an orphan, re-stitches the other side, and keeps relations that point at a deleted entity', async () => {
    await send(p, upsertEvent(groupEntity('keeper')), upsertEvent(componentEntity('orphan', { owner: 'keeper' }), { sourceVersion: 1 }), upsertEvent(componentEntity('loyal', { owner: 'keeper' })));
    await servedWhen(p, 'group:default/keeper', (e) => e.relations.length === 2);
    await send(p, removalEvent('component:default/orphan', { sourceVersion: 2 }));
    const keeper = await servedWhen(p, 'group:default/keeper', (e) => e.relations.length === 1);
    expect(relationsOf(keeper)).toEqual(['ownerOf component:default/loyal']);
    expect((await get(p, entityPath('component:default/orphan'))).status).toBe(404);

    await send(p, removalEvent('group:default/keeper', { sourceVersion: 3 }));
    await eventually(async () => ((await get(p, entityPath('group:default/keeper'))).status === 404 ? true : undefined));
    expect(relationsOf((await served(p, 'component:default/loyal'))!)).toEqual(['ownedBy group:default/keeper']);
  });

  it('records a conflict between two locations visibly and clears it when the contender lets go', async () => {
    await send(p, upsertEvent(componentEntity('disputed', { owner: 'team-a' }), { repository: 'acme/first', sourceVersion: 1 }));
    await servedWhen(p, 'component:default/disputed', () => true);
    await send(p, upsertEvent(componentEntity('disputed', { owner: 'team-b' }), { repository: 'acme/second', sourceVersion: 2 }));
    const conflict = await eventually(async () => {
      const { body } = await get<{ items: Array<{ entityRef: string; ownerLocation: string; contenderLocation: string }> }>(p, '/api/catalog/conflicts');
      return body.items.find((c) => c.entityRef === 'component:default/disputed');
    });
    expect(conflict).toMatchObject({
      ownerLocation: 'url:https://github.com/acme/first/blob/main/catalog-info.yaml',
      contenderLocation: 'url:https://github.com/acme/second/blob/main/catalog-info.yaml',
    });
    expect((await served(p, 'component:default/disputed'))!.spec.owner).toBe('team-a');

    await send(p, removalEvent('component:default/disputed', { repository: 'acme/second', sourceVersion: 3 }));
    await eventually(async () => {
      const { body } = await get<{ items: Array<{ entityRef: string }> }>(p, '/api/catalog/conflicts');
      return body.items.some((c) => c.entityRef === 'component:default/disputed') ? undefined : true;
    });
    expect((await served(p, 'component:default/disputed'))!.spec.owner).toBe('team-a');
  });

  it('keeps the history of an entity across create, two updates and delete, newest first, paged by cursor', async () => {
    const ref = 'component:default/chronicle';
    await send(p, upsertEvent(componentEntity('chronicle', { lifecycle: 'experimental' }), { sourceVersion: 1, commitSha: 'a'.repeat(40) }));
    await servedWhen(p, ref, () => true);
    await send(p, upsertEvent(componentEntity('chronicle', { lifecycle: 'production' }), { sourceVersion: 2, commitSha: 'b'.repeat(40) }));
    await servedWhen(p, ref, (e) => e.spec.lifecycle === 'production');
    await send(p, upsertEvent(componentEntity('chronicle', { lifecycle: 'deprecated' }), { sourceVersion: 3, commitSha: 'c'.repeat(40) }));
    await servedWhen(p, ref, (e) => e.spec.lifecycle === 'deprecated');
    await send(p, removalEvent(ref, { sourceVersion: 4, commitSha: 'd'.repeat(40) }));

    type Page = { items: Array<{ type: string; source: { commitSha: string }; patch: Array<{ path: string; value?: unknown }> }>; pageInfo: { nextCursor?: string } };
    const history = `${entityPath(ref)}/history`;
    const first = await eventually(async () => {
      const { status, body } = await get<Page>(p, `${history}?limit=2`);
      return status === 200 && body.items[0]?.type === 'deleted' ? body : undefined;
    });
    expect(first.items.map((i) => [i.type, i.source.commitSha[0]])).toEqual([
      ['deleted', 'd'],
      ['updated', 'c'],
    ]);
    expect(first.items[1].patch).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/spec/lifecycle', value: 'deprecated' })]));
    const second = await get<Page>(p, `${history}?limit=2&cursor=${first.pageInfo.nextCursor}`);
    expect(second.body.items.map((i) => [i.type, i.source.commitSha[0]])).toEqual([
      ['updated', 'b'],
      ['created', 'a'],
    ]);
    expect(second.body.pageInfo.nextCursor).toBeUndefined();

    expect((await get(p, `${history}?cursor=not-a-cursor`)).status).toBe(400);
    expect((await get(p, `${history}?limit=0`)).status).toBe(400);
    expect((await get(p, `${entityPath('component:default/never-existed')}/history`)).status).toBe(404);
  });
});

describe('order and duplicates', () => {
  let inOrder: Pipeline;
  let shuffled: Pipeline;

  beforeAll(async () => {
    inOrder = await startPipeline('in_order');
    shuffled = await startPipeline('shuffled');
  });
  afterAll(async () => Promise.all([stopPipeline(inOrder), stopPipeline(shuffled)]));

  it('converges to the source-order result when a burst of interleaved, duplicated events arrives out of order', async () => {
    const owners = ['team-x', 'team-y', 'team-z'];
    const ownerAt = (version: number, name: string) => owners[(version + Number(name.slice(-1))) % owners.length];
    const events: EntityEventV1[] = owners.map((g) => upsertEvent(groupEntity(g)));
    for (let version = 1; version <= 6; version += 1) {
      for (const name of ['svc-1', 'svc-2', 'svc-3']) {
        events.push(upsertEvent(componentEntity(name, { owner: ownerAt(version, name), lifecycle: version % 2 ? 'production' : 'experimental' }), { sourceVersion: version }));
      }
    }
    events.push(removalEvent('component:default/svc-2', { sourceVersion: 7 }));

    await send(inOrder, ...events);
    // Reversed (newest first), with every event delivered twice.
    const groups = events.slice(0, owners.length);
    const rest = events.slice(owners.length).reverse();
    await send(shuffled, ...groups, ...rest, ...rest);

    const refs = ['component:default/svc-1', 'component:default/svc-2', 'component:default/svc-3', ...owners.map((g) => `group:default/${g}`)];
    const snapshot = async (pipeline: Pipeline) =>
      Promise.all(
        refs.map(async (ref) => {
          const entity = await served(pipeline, ref);
          return entity ? { ref, spec: entity.spec, relations: entity.relations } : { ref, absent: true };
        }),
      );
    // Source order's final state: version 6 of svc-1 and svc-3, svc-2 removed, groups owning accordingly.
    const isFinal = (snap: Array<{ ref: string; spec?: Record<string, unknown>; absent?: boolean; relations?: unknown[] }>) =>
      snap.find((e) => e.ref === 'component:default/svc-2')?.absent === true &&
      ['svc-1', 'svc-3'].every((name) => snap.find((e) => e.ref === `component:default/${name}`)?.spec?.owner === ownerAt(6, name)) &&
      owners.every((g) => {
        const owned = ['svc-1', 'svc-3'].filter((name) => ownerAt(6, name) === g).length;
        return snap.find((e) => e.ref === `group:default/${g}`)?.relations?.length === owned;
      });
    const expected = await eventually(async () => {
      const snap = await snapshot(inOrder);
      return isFinal(snap) ? snap : undefined;
    });
    // On a mismatch, fall through to the assertion below so the difference is shown.
    await eventually(async () => (JSON.stringify(await snapshot(shuffled)) === JSON.stringify(expected) ? true : undefined)).catch(() => undefined);
    expect(await snapshot(shuffled)).toEqual(expected);
  });
});
