import { Partitioners } from 'kafkajs';
import { catalogService } from '../src/catalog.service';
import { EntityStoreRepository } from '../src/store/entity-store.repository';
import { servedOf } from '../src/stitching/served-entity';
import { eventually, isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { EntityEventWriter } from '../../../test/support/entity-event-writer';
import { componentEntity, removalEvent, upsertEvent } from '../../../test/factories/entity-events';

describe('catalog service (real Kafka and FerretDB)', () => {
  let env: Record<string, string>;
  let service: RunningService;
  let writer: EntityEventWriter;
  let store: EntityStoreRepository;
  let deadLetters: TopicProbe;

  const send = (...events: Parameters<EntityEventWriter['send']>) => writer.send(...events);
  // What the catalog stored, read through its own store (the records it hands out).
  const stored = (ref: string) => store.find(ref);
  // Typed loosely on purpose: the assertions reach into whatever the entity declares.
  const servedEntity = async (ref: string): Promise<any> => {
    const record = await stored(ref);
    return record ? (servedOf(record)?.entity ?? null) : null;
  };
  /**
   * A marker component name whose ref is keyed into the same partition as `ref`: only then
   * does its arrival prove that everything sent before it for `ref` was processed.
   */
  const markerBeside = (ref: string, label: string) => {
    const partitionMetadata = Array.from({ length: Number(env.KAFKA_TOPIC_PARTITIONS) }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const partitionOf = (key: string) => Partitioners.DefaultPartitioner()({ topic: writer.topic, partitionMetadata, message: { key, value: null } });
    for (let i = 0; ; i += 1) if (partitionOf(`component:default/${label}-${i}`) === partitionOf(ref)) return `${label}-${i}`;
  };

  beforeAll(async () => {
    env = isolatedEnv('catalog');
    service = await startService(catalogService, env);
    writer = await EntityEventWriter.connect(env);
    store = service.app.get(EntityStoreRepository, { strict: false });
    deadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${writer.topic}.dlq`);
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await writer?.disconnect();
    await service?.close();
  });

  it('projects an upsert with uid, etag and the managed-by annotations', async () => {
    await send(upsertEvent(componentEntity('created-one'), { repository: 'acme/one' }));
    const entity = await eventually(() => servedEntity('component:default/created-one').then((e) => e ?? undefined));
    expect(entity).toMatchObject({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'created-one',
        namespace: 'default',
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        etag: expect.any(String),
        annotations: {
          'backstage.io/managed-by-location': 'url:https://github.com/acme/one/blob/main/catalog-info.yaml',
          'backstage.io/managed-by-origin-location': 'url:https://github.com/acme/one/blob/main/catalog-info.yaml',
        },
      },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
    });
  });

  it('is idempotent: a redelivered event changes nothing; a change keeps the uid and moves the etag', async () => {
    const first = upsertEvent(componentEntity('idem'), { sourceVersion: 10 });
    await send(first);
    // Stitched (it has an etag) in the same write as it was processed.
    const created = await eventually(() => stored('component:default/idem').then((d) => (d?.etag ? d : undefined)));

    await send(first, upsertEvent(componentEntity('marker-after-redelivery')));
    await eventually(() => stored('component:default/marker-after-redelivery').then((d) => d ?? undefined));
    const afterRedelivery = await stored('component:default/idem');
    expect(afterRedelivery).toMatchObject({ uid: created.uid, etag: created.etag, revision: created.revision });

    await send(upsertEvent(componentEntity('idem', { lifecycle: 'deprecated' }), { sourceVersion: 11 }));
    // Served (stitched) with the change, not only processed.
    const updated = await eventually(() => stored('component:default/idem').then((d) => (d && servedOf(d)?.entity.spec?.lifecycle === 'deprecated' ? d : undefined)));
    expect(updated.revision).toBeGreaterThan(created.revision);
    expect(updated.uid).toBe(created.uid);
    expect(updated.etag).not.toBe(created.etag);
  });

  it('never lets an older event overwrite a newer one', async () => {
    const marker = markerBeside('component:default/ordered', 'marker-after-ordered');
    await send(
      upsertEvent(componentEntity('ordered', { lifecycle: 'experimental' }), { sourceVersion: 200 }),
      upsertEvent(componentEntity('ordered', { lifecycle: 'production' }), { sourceVersion: 100 }),
      upsertEvent(componentEntity(marker)),
    );
    await eventually(() => stored(`component:default/${marker}`).then((d) => d ?? undefined));
    expect((await servedEntity('component:default/ordered')).spec.lifecycle).toBe('experimental');
  });

  it('removes on removal by the owning location and ignores removals by another location', async () => {
    await send(upsertEvent(componentEntity('to-remove'), { repository: 'acme/owner', sourceVersion: 1 }));
    await eventually(() => servedEntity('component:default/to-remove').then((e) => e ?? undefined));

    await send(removalEvent('component:default/to-remove', { repository: 'acme/intruder', sourceVersion: 5 }), upsertEvent(componentEntity('marker-after-intruder')));
    await eventually(() => stored('component:default/marker-after-intruder').then((d) => d ?? undefined));
    expect(await servedEntity('component:default/to-remove')).not.toBeNull();

    await send(removalEvent('component:default/to-remove', { repository: 'acme/owner', sourceVersion: 5 }));
    const tombstone = await eventually(() => stored('component:default/to-remove').then((d) => (d?.status === 'removed' ? d : undefined)));
    expect(servedOf(tombstone)).toBeNull();
  });

  it('keeps the first owner when a second location declares the same ref', async () => {
    await send(upsertEvent(componentEntity('contested', { lifecycle: 'production' }), { repository: 'acme/first', sourceVersion: 1 }));
    await eventually(() => servedEntity('component:default/contested').then((e) => e ?? undefined));
    await send(upsertEvent(componentEntity('contested', { lifecycle: 'experimental' }), { repository: 'acme/second', sourceVersion: 2 }), upsertEvent(componentEntity('marker-after-conflict')));
    await eventually(() => stored('component:default/marker-after-conflict').then((d) => d ?? undefined));
    const entity = await servedEntity('component:default/contested');
    expect(entity.spec.lifecycle).toBe('production');
    expect(entity.metadata.annotations['backstage.io/managed-by-location']).toContain('acme/first');
  });

  it('dead-letters a poison message with the reason and keeps consuming the partition', async () => {
    const poisonKey = 'component:default/poisoned';
    await send({ key: poisonKey, raw: '{"this is": not json' }, { key: poisonKey, raw: JSON.stringify({ type: 'upsert', entityRef: poisonKey }) });
    await send(upsertEvent(componentEntity('poisoned')));
    await eventually(() => servedEntity(poisonKey).then((e) => e ?? undefined));
    const letters = await deadLetters.waitFor((m) => m.key === poisonKey, 2);
    expect(letters.map((m) => m.json<{ reason: string }>().reason)).toEqual([
      expect.stringMatching(/contract violation: value is not JSON/),
      expect.stringMatching(/contract violation: .*(schemaVersion|eventId)/),
    ]);
    expect(letters[0].json()).toMatchObject({ stage: 'catalog.projection', original: { key: poisonKey, value: '{"this is": not json' } });
  });

  it('dead-letters an event whose entity breaks its kind\'s rules, or whose key does not match it', async () => {
    const invalid = upsertEvent(componentEntity('no-lifecycle', { lifecycle: undefined }));
    const mismatched = { ...upsertEvent(componentEntity('carried')), entityRef: 'component:default/claimed' };
    await send(invalid, mismatched, upsertEvent(componentEntity('marker-after-invalid')));
    await eventually(() => stored('component:default/marker-after-invalid').then((d) => d ?? undefined));
    const [invalidLetter] = await deadLetters.waitFor((m) => m.key === 'component:default/no-lifecycle');
    expect(invalidLetter.json()).toMatchObject({ stage: 'catalog.projection', reason: expect.stringMatching(/invalid entity component:default\/no-lifecycle: .*lifecycle/) });
    const [mismatchLetter] = await deadLetters.waitFor((m) => m.key === 'component:default/claimed');
    expect(mismatchLetter.json<{ reason: string }>().reason).toMatch(/does not match/);
    expect(await stored('component:default/no-lifecycle')).toBeNull();
    expect(await stored('component:default/claimed')).toBeNull();
  });

  it('reports Kafka and MongoDB on /health', async () => {
    const response = await fetch(`${service.url}/health`);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { kafka: { status: 'up' }, mongodb: { status: 'up' } } });
  });
});
