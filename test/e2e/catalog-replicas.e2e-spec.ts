import { CatalogChangeV1, EntityEventV1, TOPICS } from '@callboard/contracts';
import type { Entity } from '@callboard/entity-model';
import { componentEntity, groupEntity, removalEvent, upsertEvent } from '../factories/entity-events';
import { EntityEventWriter } from '../support/entity-event-writer';
import { ServiceProcess, spawnService } from '../support/process-harness';
import { eventually, isolatedEnv } from '../support/service-harness';
import { ProbedMessage, TopicProbe } from '../support/topic-probe';

// uids are drawn per catalog and the etag hashes the served entity, uid included: everything
// else of a served entity must be the same whichever instance wrote it.
function comparable(entity: Entity | null): unknown {
  if (!entity) return null;
  const { uid: _uid, etag: _etag, ...metadata } = entity.metadata as Entity['metadata'] & { uid?: string; etag?: string };
  return { ...entity, metadata };
}

/**
 * A burst touching every partition: groups owning components that depend on one another across
 * partitions (so relations travel between instances), each component updated several times,
 * some versions delivered twice or after a newer one, some entities removed and re-added.
 */
function burst(): EntityEventV1[][] {
  const groups = Array.from({ length: 6 }, (_, g) => `team-${g}`);
  const components = Array.from({ length: 36 }, (_, c) => `svc-${c}`);
  const component = (c: number, version: number) =>
    componentEntity(
      components[c],
      { owner: `group:default/${groups[c % groups.length]}`, lifecycle: version % 2 ? 'production' : 'experimental', dependsOn: [`component:default/${components[(c * 7 + version) % components.length]}`] },
      { description: `version ${version}` },
    );
  const rounds: EntityEventV1[][] = [groups.map((name) => upsertEvent(groupEntity(name), { repository: `acme/${name}` }))];
  for (let version = 1; version <= 4; version++) {
    const round: EntityEventV1[] = [];
    components.forEach((_, c) => {
      const repository = `acme/${components[c]}`;
      if (version === 3 && c % 9 === 0) {
        round.push(removalEvent(`component:default/${components[c]}`, { repository, sourceVersion: version }));
        return;
      }
      const event = upsertEvent(component(c, version), { repository, sourceVersion: version });
      round.push(event);
      if (c % 5 === 0) round.push(event);
      if (c % 4 === 0 && version > 1) round.push(upsertEvent(component(c, version - 1), { repository, sourceVersion: version - 1 }));
    });
    rounds.push(round);
  }
  return rounds;
}

/** The latest value per key of a compacted table topic (null for a tombstone). */
function latestPerKey(probe: TopicProbe): Map<string, Entity | null> {
  const table = new Map<string, Entity | null>();
  for (const message of probe.messages) if (message.key) table.set(message.key, message.raw === null ? null : message.json<Entity>());
  return table;
}

function servedTable(probe: TopicProbe): Record<string, unknown> {
  const served: Record<string, unknown> = {};
  for (const [key, entity] of [...latestPerKey(probe)].sort(([a], [b]) => a.localeCompare(b))) if (entity) served[key] = comparable(entity);
  return served;
}

/** Change events per entity, copies republished after a crash (same id) dropped, in the order published. */
function changesPerEntity(messages: readonly ProbedMessage[]): Map<string, CatalogChangeV1[]> {
  const seen = new Set<string>();
  const chains = new Map<string, CatalogChangeV1[]>();
  for (const message of messages) {
    const event = message.json<CatalogChangeV1>();
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    chains.set(event.subject, [...(chains.get(event.subject) ?? []), event]);
  }
  return chains;
}

/** Every entity's change events form one chain: each starts where the one before ended, the last ends at what is served. */
function brokenLinks(chains: Map<string, CatalogChangeV1[]>, served: Record<string, unknown>): string[] {
  const broken: string[] = [];
  for (const [ref, chain] of chains) {
    let previous: unknown = null;
    chain.forEach((event, i) => {
      const before = comparable(event.data.before as Entity | null);
      if (JSON.stringify(before) !== JSON.stringify(previous)) broken.push(`${ref}: change ${i} (${event.type}) does not start where change ${i - 1} ended`);
      previous = comparable(event.data.after as Entity | null);
    });
    if (JSON.stringify(previous) !== JSON.stringify(served[ref] ?? null)) broken.push(`${ref}: the last change does not end at the served entity`);
  }
  for (const ref of Object.keys(served)) if (!chains.has(ref)) broken.push(`${ref}: served without a change event`);
  return broken;
}

describe('three catalog instances on six partitions', () => {
  const rounds = burst();
  const probes: TopicProbe[] = [];
  const processes: ServiceProcess[] = [];

  /** An isolated catalog of `instances` processes, with probes on what it publishes. */
  async function catalogOf(label: string, instances: number, options: { crashing?: number } = {}) {
    // A short session lets the survivors take over a killed instance's partitions soon.
    const env: Record<string, string> = { ...isolatedEnv(label), KAFKA_TOPIC_PARTITIONS: '6', KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000' };
    // The crashing instance dies at its third batch, after writing it and before publishing it:
    // what it wrote must still be published, by whichever instance takes its partitions over.
    const started = await Promise.all(
      Array.from({ length: instances }, (_, i) =>
        spawnService('catalog', env, i === options.crashing ? { entry: 'test/support/catalog-failpoint.main.js', args: ['kill-before-publish', '3'] } : {}),
      ),
    );
    processes.push(...started);
    // The catalog creates its topics as it starts.
    const served = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}${TOPICS.catalogEntities}`);
    const changes = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}${TOPICS.catalogChanges}`);
    probes.push(served, changes);
    return { env, instances: started, served, changes, writer: await EntityEventWriter.connect(env) };
  }

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await Promise.all(probes.map((p) => p.stop()));
  });

  it('end with the same entities, relations and change chains as one instance, and lose nothing when one is killed mid-burst', async () => {
    const one = await catalogOf('replicas_one', 1);
    const three = await catalogOf('replicas_three', 3, { crashing: 1 });
    const { instances } = three;

    for (const round of rounds) {
      await Promise.all([one.writer.send(...round), three.writer.send(...round)]);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await instances[1].exited).toBe('SIGKILL');
    expect(instances[1].output()).toContain('failpoint kill-before-publish at batch 3');
    await Promise.all([one.writer.disconnect(), three.writer.disconnect()]);

    // What the burst says must be served: every ref whose newest event is an upsert, as that upsert wrote it.
    const newest = new Map<string, EntityEventV1>();
    for (const event of rounds.flat()) if ((newest.get(event.entityRef)?.sourceVersion ?? -1) <= event.sourceVersion) newest.set(event.entityRef, event);
    const expected = [...newest.values()].filter((e) => e.type === 'upsert').map((e) => e.entityRef).sort();

    const settled = (probe: TopicProbe) => {
      const served = servedTable(probe);
      const descriptions = Object.fromEntries(Object.entries(served).map(([ref, e]) => [ref, (e as Entity).metadata.description ?? null]));
      const wanted = Object.fromEntries(expected.map((ref) => [ref, (newest.get(ref) as EntityEventV1 & { type: 'upsert' }).entity.metadata.description ?? null]));
      return JSON.stringify(descriptions) === JSON.stringify(wanted) ? served : undefined;
    };
    // Relations are stitched after the entities they name: settled is when nothing more is published for a while.
    const quiet = async (probe: TopicProbe) => {
      let published = -1;
      return eventually(async () => {
        const served = settled(probe);
        const now = probe.messages.length;
        const still = served && now === published;
        published = now;
        return still ? served : undefined;
      }, 120000, 2000);
    };
    const [servedByOne, servedByThree] = await Promise.all([quiet(one.served), quiet(three.served)]);

    expect(Object.keys(servedByThree)).toEqual(expected);
    expect(servedByThree).toEqual(servedByOne);
    // The relations the burst implies are there: every owner names its components, across partitions.
    const team0 = servedByOne['group:default/team-0'] as Entity & { relations: Array<{ type: string; targetRef: string }> };
    expect(team0.relations.filter((r) => r.type === 'ownerOf').map((r) => r.targetRef).sort()).toEqual(
      expected.filter((ref) => ref.startsWith('component:') && Number(ref.split('-').pop()) % 6 === 0),
    );

    // Change events of both: one chain per entity ending at what is served, the same final change.
    const chainsOfOne = changesPerEntity(one.changes.messages);
    const chainsOfThree = changesPerEntity(three.changes.messages);
    expect(brokenLinks(chainsOfOne, servedByOne)).toEqual([]);
    expect(brokenLinks(chainsOfThree, servedByThree)).toEqual([]);
    const lastOf = (chains: Map<string, CatalogChangeV1[]>) =>
      Object.fromEntries([...chains].sort(([a], [b]) => a.localeCompare(b)).map(([ref, chain]) => [ref, { type: chain.at(-1)!.type, after: comparable(chain.at(-1)!.data.after as Entity | null) }]));
    expect(lastOf(chainsOfThree)).toEqual(lastOf(chainsOfOne));
  }, 5 * 60 * 1000);
});
