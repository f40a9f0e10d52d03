import { Logger } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import mongoose from 'mongoose';
import { catalogEntityV1Schema, catalogRelationsTopic, deadLetterTopicOf, TOPICS } from '@callboard/contracts';
import { ConfigOverrides, environmentWith, parseEnv } from '@callboard/config';
import { EventPublisher, kafkaClientConfig, OutgoingRecord, topicName, whileClusterSettles } from '@callboard/kafka';
import { createServiceApp } from '@callboard/observability';
import { CatalogConfig, catalogConfigSchema } from '../catalog.config';
import { catalogService } from '../catalog.service';
import { StoredEntityDocument, toRecord } from '../store/entity-document.mapper';
import { servedOf } from '../stitching/served-entity';

/** The collection a rebuild replaces; history and conflicts are records, not projections, and stay. */
export const REBUILT_COLLECTION = 'entities';

export interface RebuildResult {
  suffix: string;
  entities: number;
  offsetsReplayed: number;
  durationMs: number;
}

export class RebuildRefusedError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PUBLISH_CHUNK = 500;

async function endOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return new Map((await whileClusterSettles(() => admin.fetchTopicOffsets(topic))).map((p) => [p.partition, BigInt(p.high)]));
}

async function behind(admin: Admin, groupId: string, topic: string, ends: Map<number, bigint>): Promise<number> {
  const [committed] = await whileClusterSettles(() => admin.fetchOffsets({ groupId, topics: [topic] }));
  return committed.partitions.filter((p) => (ends.get(p.partition) ?? 0n) > 0n && BigInt(p.offset) < (ends.get(p.partition) ?? 0n)).length;
}

/**
 * Rebuilds the catalog projection from the compacted entity-event topic into a fresh collection,
 * then switches to it by renaming, and publishes the rebuilt served catalog to the served table
 * (every served entity, a tombstone for what is no longer served) so query replicas follow. The
 * live catalog consumer group must be stopped (the switch would otherwise race its writes);
 * restarted, it resumes from its own offsets. The app doing the replay is the catalog itself,
 * configured for it through config overrides (own consumer group, and so own relations topic;
 * suffixed collection; nothing announced; live uids kept).
 */
export async function rebuildProjection(options: { force?: boolean; timeoutMs?: number; env?: ConfigOverrides } = {}): Promise<RebuildResult> {
  const logger = new Logger('rebuild');
  const started = Date.now();
  const config: CatalogConfig = parseEnv(catalogConfigSchema, environmentWith(options.env));
  const suffix = `__rebuild_${started}`;
  const entityTopic = topicName(config, TOPICS.entityEvents);
  const rebuildGroup = `${config.CATALOG_CONSUMER_GROUP}-rebuild-${started}`;
  const prefixedRebuildGroup = `${config.KAFKA_TOPIC_PREFIX}${rebuildGroup}`;
  const rebuildRelations = `${config.KAFKA_TOPIC_PREFIX}${catalogRelationsTopic(rebuildGroup)}`;
  const liveGroup = `${config.KAFKA_TOPIC_PREFIX}${config.CATALOG_CONSUMER_GROUP}`;
  const liveRelations = `${config.KAFKA_TOPIC_PREFIX}${catalogRelationsTopic(config.CATALOG_CONSUMER_GROUP)}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60 * 1000);

  const kafka = new Kafka(kafkaClientConfig(config, 'catalog-rebuild'));
  const admin = kafka.admin();
  await whileClusterSettles(() => admin.connect());
  const connection = await mongoose.createConnection(config.MONGODB_URI, { dbName: config.MONGODB_DATABASE, retryWrites: false }).asPromise();
  const publisher = new EventPublisher(kafka);
  try {
    const { groups } = await whileClusterSettles(() => admin.describeGroups([liveGroup]));
    const members = groups[0]?.members.length ?? 0;
    if (members > 0 && !options.force) {
      throw new RebuildRefusedError(`the catalog consumer group ${liveGroup} has ${members} active member(s): stop the catalog service first (or pass --force)`);
    }

    // Replay what the topic holds now; later events reach the live consumer as usual.
    const entityEnds = await endOffsets(admin, entityTopic);
    // Processing errors are part of the served entities: the status topic is replayed too.
    const statusTopic = topicName(config, TOPICS.entityStatus);
    const statusEnds = (await admin.listTopics()).includes(statusTopic) ? await endOffsets(admin, statusTopic) : new Map<number, bigint>();
    const offsetsReplayed = Number([...entityEnds.values()].reduce((a, b) => a + b, 0n));
    logger.log(`replaying ${entityTopic} (${offsetsReplayed} offsets) into ${REBUILT_COLLECTION}${suffix}`);

    const { app } = await createServiceApp(catalogService, {
      configOverrides: {
        ...options.env,
        CATALOG_COLLECTION_SUFFIX: suffix,
        CATALOG_CONSUMER_GROUP: rebuildGroup,
        CATALOG_PUBLISH_CHANGES: 'false',
        CATALOG_UIDS_FROM_LIVE: 'true',
      },
    });
    try {
      await app.startAllMicroservices();
      // Caught up when every replayed event is committed and the relation updates they sent are
      // too, twice in a row (applying an update can send no more, but one may still be on its way).
      for (let settled = 0; settled < 2; ) {
        if (Date.now() > deadline) throw new Error(`rebuild did not catch up within ${options.timeoutMs ?? 30 * 60 * 1000} ms`);
        await sleep(300);
        const waiting =
          (await behind(admin, prefixedRebuildGroup, entityTopic, entityEnds)) +
          (statusEnds.size > 0 ? await behind(admin, prefixedRebuildGroup, statusTopic, statusEnds) : 0) +
          (await behind(admin, prefixedRebuildGroup, rebuildRelations, await endOffsets(admin, rebuildRelations)));
        settled = waiting === 0 ? settled + 1 : 0;
      }
    } finally {
      await app.close();
    }

    const db = connection.db!;
    const replaced = `${REBUILT_COLLECTION}__replaced_${started}`;
    const hadLive = (await db.listCollections({ name: REBUILT_COLLECTION }).toArray()).length > 0;
    if (hadLive) await db.renameCollection(REBUILT_COLLECTION, replaced);
    await db.renameCollection(`${REBUILT_COLLECTION}${suffix}`, REBUILT_COLLECTION).catch(async (err) => {
      // Nothing was projected into it (an empty topic): start empty.
      if (!/not found|does not exist|NamespaceNotFound/i.test(String(err))) throw err;
    });

    // The live consumer must not apply relation updates computed against the replaced collection.
    const liveTopics = await admin.listTopics();
    if (liveTopics.includes(liveRelations)) await admin.resetOffsets({ groupId: liveGroup, topic: liveRelations, earliest: false }).catch(() => undefined);

    await publisher.connect();
    const served = new Set<string>();
    let batch: OutgoingRecord[] = [];
    const flush = async () => {
      await publisher.publishAll(batch);
      batch = [];
    };
    const entitiesTopic = topicName(config, TOPICS.catalogEntities);
    for await (const doc of db.collection<StoredEntityDocument>(REBUILT_COLLECTION).find({ status: 'live' })) {
      const entity = servedOf(toRecord(doc));
      if (!entity) continue;
      served.add(doc._id);
      batch.push({ topic: entitiesTopic, schema: catalogEntityV1Schema, key: doc._id, value: entity.entity });
      if (batch.length >= PUBLISH_CHUNK) await flush();
    }
    if (hadLive) {
      for await (const doc of db.collection<StoredEntityDocument>(replaced).find({}, { projection: { _id: 1 } })) {
        if (served.has(doc._id)) continue;
        batch.push({ topic: entitiesTopic, key: doc._id, value: null });
        if (batch.length >= PUBLISH_CHUNK) await flush();
      }
      await db.dropCollection(replaced);
    }
    await flush();

    await admin.deleteGroups([prefixedRebuildGroup]).catch(() => undefined);
    await admin.deleteTopics({ topics: [rebuildRelations, deadLetterTopicOf(rebuildRelations)] }).catch(() => undefined);
    const result = { suffix, entities: served.size, offsetsReplayed, durationMs: Date.now() - started };
    logger.log(`switched to the rebuilt projection: ${served.size} entities from ${offsetsReplayed} offsets in ${result.durationMs} ms`);
    return result;
  } finally {
    await publisher.disconnect().catch(() => undefined);
    await connection.close();
    await admin.disconnect();
  }
}
