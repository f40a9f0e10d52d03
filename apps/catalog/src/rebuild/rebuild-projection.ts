import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS } from '@callboard/contracts';
import { parseEnv } from '@callboard/config';
import { kafkaClientConfig, topicName } from '@callboard/kafka';
import { createServiceApp } from '@callboard/observability';
import { catalogConfigSchema } from '../catalog.config';
import { catalogService } from '../catalog.service';

/** Collections a rebuild replaces; history and conflicts are records, not projections, and stay. */
export const REBUILT_COLLECTIONS = ['entities', 'relation_sources'] as const;

export interface RebuildResult {
  suffix: string;
  entities: number;
  offsetsReplayed: number;
  durationMs: number;
}

export class RebuildRefusedError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Rebuilds the catalog projection from the compacted entity-event topic into fresh
 * collections, then switches to them by renaming. The live catalog consumer group must be
 * stopped (the switch would otherwise race its writes); restarted, it resumes from its own
 * offsets, and re-applying events is idempotent. Uses the process environment, as the
 * catalog service does.
 */
export async function rebuildProjection(options: { force?: boolean; timeoutMs?: number } = {}): Promise<RebuildResult> {
  const logger = new Logger('rebuild');
  const started = Date.now();
  const config = parseEnv(catalogConfigSchema, process.env);
  const suffix = `__rebuild_${started}`;
  const topic = topicName(config, TOPICS.entityEvents);
  const rebuildGroup = `${config.CATALOG_CONSUMER_GROUP}-rebuild-${started}`;

  const kafka = new Kafka(kafkaClientConfig(config, 'catalog-rebuild'));
  const admin = kafka.admin();
  await admin.connect();
  const connection = await mongoose.createConnection(config.MONGODB_URI, { dbName: config.MONGODB_DATABASE }).asPromise();
  try {
    const liveGroup = `${config.KAFKA_TOPIC_PREFIX}${config.CATALOG_CONSUMER_GROUP}`;
    const { groups } = await admin.describeGroups([liveGroup]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0 && !options.force) {
      throw new RebuildRefusedError(`the catalog consumer group ${liveGroup} has ${members} active member(s): stop the catalog service first (or pass --force)`);
    }

    // Replay what the topic holds now; later events reach the live consumer as usual.
    const endOffsets = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const offsetsReplayed = [...endOffsets.values()].reduce((a, b) => a + b, 0);
    logger.log(`replaying ${topic} (${offsetsReplayed} offsets) into collections suffixed ${suffix}`);

    const saved = { ...process.env };
    Object.assign(process.env, {
      CATALOG_COLLECTION_SUFFIX: suffix,
      CATALOG_CONSUMER_GROUP: rebuildGroup,
      CATALOG_PUBLISH_CHANGES: 'false',
      CATALOG_UIDS_FROM_LIVE: 'true',
    });
    let app: Awaited<ReturnType<typeof createServiceApp>>['app'];
    try {
      ({ app } = await createServiceApp(catalogService));
    } finally {
      process.env = saved;
    }
    try {
      await app.startAllMicroservices();
      const deadline = Date.now() + (options.timeoutMs ?? 30 * 60 * 1000);
      for (;;) {
        const [committed] = await admin.fetchOffsets({ groupId: `${config.KAFKA_TOPIC_PREFIX}${rebuildGroup}`, topics: [topic] });
        const behind = committed.partitions.filter((p) => {
          const end = endOffsets.get(p.partition) ?? 0;
          return end > 0 && Number(p.offset) < end;
        });
        if (behind.length === 0) break;
        if (Date.now() > deadline) throw new Error(`rebuild did not catch up within ${options.timeoutMs} ms`);
        await sleep(200);
      }
      // Work recorded by the last events (stitching) must be finished before switching.
      const rebuilt = connection.db!.collection(`entities${suffix}`);
      while ((await rebuilt.countDocuments({ pendingWork: true })) > 0) {
        if (Date.now() > deadline) throw new Error('rebuild did not finish its pending work in time');
        await sleep(200);
      }
    } finally {
      await app.close();
    }

    for (const name of REBUILT_COLLECTIONS) {
      const existing = await connection.db!.listCollections({ name }).toArray();
      if (existing.length) await connection.db!.renameCollection(name, `${name}__replaced_${started}`);
      await connection.db!.renameCollection(`${name}${suffix}`, name).catch(async (err) => {
        // Nothing was projected into it (an empty topic): start empty.
        if (!/not found|does not exist|NamespaceNotFound/i.test(String(err))) throw err;
      });
      if (existing.length) await connection.db!.dropCollection(`${name}__replaced_${started}`);
    }
    await admin.deleteGroups([`${config.KAFKA_TOPIC_PREFIX}${rebuildGroup}`]).catch(() => undefined);
    const entities = await connection.db!.collection('entities').countDocuments({ deleted: false });
    const result = { suffix, entities, offsetsReplayed, durationMs: Date.now() - started };
    logger.log(`switched to the rebuilt projection: ${entities} entities from ${offsetsReplayed} offsets in ${result.durationMs} ms`);
    return result;
  } finally {
    await connection.close();
    await admin.disconnect();
  }
}
