/**
 * A bulk stand-in for the catalog service's projection, for benchmarks only: it publishes the
 * same entity events as the pipeline loader (so the topic holds the truth, as always), builds
 * the documents the catalog would write for them with the catalog's own pure functions
 * (@callboard/entity-model processing, relations and stitching; @callboard/mongo encodings),
 * writes them with bulk inserts, and marks the events consumed by moving the catalog's
 * consumer-group offsets to the end of the topic.
 *
 * Why: on FerretDB (SQLite) the catalog projects about one entity per second at a few hundred
 * entities and slows as the collection grows (its conditional updates scan the collection), so
 * 100,000 entities through the pipeline would take days. Nothing here is used by the services;
 * `test/integration/synthetic-catalog-loader.int-spec.ts` checks that both loaders produce the
 * same documents, so this file fails loudly when the catalog's persistence changes.
 *
 * Not reproduced: the per-entity history and the catalog-change events of the initial load.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS } from '@callboard/contracts';
import { decideUpsert, Entity, locationKeyOf, RelationRow, serveEntity, stitchRelations, validateEntity } from '@callboard/entity-model';
import { kafkaClientConfig, topicName } from '@callboard/kafka';
import { encodeIndexedRow, encodeRelationRow } from '@callboard/mongo';
import { upsertEventsOf } from '../../tools/synthetic-catalog/src';
import { DatasetLoader, LoadContext, publishCatalog } from './dataset';

const INSERT_BATCH = 1000;
const CATALOG_GROUP = 'callboard-catalog';

interface Processed {
  ref: string;
  uid: string;
  processed: Entity;
  rows: RelationRow[];
  inputHash: string;
  locationKey: string;
  sourceVersion: number;
  source: Record<string, unknown>;
}

/** The `entities` and `relation_sources` documents the catalog's projection ends with for these events. */
export async function projectInMemory(ctx: Pick<LoadContext, 'catalog'>): Promise<{ entities: Array<Record<string, unknown>>; relationSources: Array<{ _id: string; rows: string[] }> }> {
  const processedByRef = new Map<string, Processed>();
  for (const event of upsertEventsOf(ctx.catalog)) {
    const validation = await validateEntity(event.entity);
    if (!validation.ok) throw new Error(`invalid synthetic entity ${event.entityRef}: ${validation.error}`);
    const decision = decideUpsert(
      null,
      { entity: validation.entity, location: event.location, originLocation: event.originLocation, sourceVersion: event.sourceVersion },
      () => randomUUID(),
    );
    if (decision.action !== 'write') throw new Error(`unexpected decision for ${event.entityRef}: ${decision.action}`);
    const { provider, deliveryId, repository, commitSha, path } = event.source;
    processedByRef.set(event.entityRef, {
      ref: event.entityRef,
      uid: decision.uid,
      processed: decision.processed,
      rows: decision.relationRows,
      inputHash: decision.inputHash,
      locationKey: locationKeyOf(event.location),
      sourceVersion: event.sourceVersion,
      source: { provider, deliveryId, repository, commitSha, path },
    });
  }

  // The relation index: every row under its (lowercased) source, tagged with the entity that emitted it.
  const index = new Map<string, { rows: RelationRow[]; encoded: Set<string> }>();
  for (const item of processedByRef.values()) {
    for (const row of item.rows) {
      const source = row.source.toLocaleLowerCase('en-US');
      let entry = index.get(source);
      if (!entry) index.set(source, (entry = { rows: [], encoded: new Set() }));
      const encoded = encodeIndexedRow(row, item.ref);
      if (!entry.encoded.has(encoded)) {
        entry.encoded.add(encoded);
        entry.rows.push({ source, type: row.type, target: row.target });
      }
    }
  }

  const now = new Date();
  const entities = [...processedByRef.values()].map((item) => {
    const { entity, etag } = serveEntity(item.processed, item.uid, stitchRelations(item.ref, index.get(item.ref)?.rows ?? []));
    const [kind, rest] = item.ref.split(':');
    const [namespace, name] = rest.split('/');
    return {
      _id: item.ref,
      uid: item.uid,
      etag,
      kind,
      namespace,
      name,
      processedJson: JSON.stringify(item.processed),
      entityJson: JSON.stringify(entity),
      inputHash: item.inputHash,
      locationKey: item.locationKey,
      sourceVersion: item.sourceVersion,
      revision: 2,
      deleted: false,
      relationRows: item.rows.map(encodeRelationRow),
      previousRelationRows: [],
      pendingStitch: [],
      outbox: [],
      pendingWork: false,
      source: item.source,
      createdAt: now,
      updatedAt: now,
    };
  });
  const relationSources = [...index.entries()].map(([source, entry]) => ({ _id: source, rows: [...entry.encoded] }));
  return { entities, relationSources };
}

/** Moves the catalog consumer group's offsets to the end of the entity-event topic: "all consumed". */
async function markConsumed(ctx: LoadContext): Promise<void> {
  const settings = { KAFKA_BROKERS: ctx.engines.kafkaBrokers.split(','), KAFKA_CLIENT_ID: 'callboard-bench', KAFKA_TOPIC_PREFIX: ctx.target.topicPrefix };
  const kafka = new Kafka({
    ...kafkaClientConfig({ ...settings, KAFKA_TOPIC_PARTITIONS: ctx.target.partitions, KAFKA_REPLICATION_FACTOR: 1, KAFKA_CONSUMER_SESSION_TIMEOUT_MS: 30000 }, 'bench-offsets'),
    logLevel: logLevel.ERROR,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = topicName(settings, TOPICS.entityEvents);
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId: `${ctx.target.topicPrefix}${CATALOG_GROUP}`, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
}

export function directLoader(): DatasetLoader {
  return async (ctx) => {
    const started = performance.now();
    const total = ctx.catalog.entities.length;
    ctx.log(`publishing ${total} entity events to ${ctx.target.topicPrefix}${TOPICS.entityEvents}`);
    const publishMs = await publishCatalog(ctx);
    ctx.log(`published in ${(publishMs / 1000).toFixed(1)} s; projecting in memory with the catalog's functions and bulk-writing`);
    const projectStarted = performance.now();
    const { entities, relationSources } = await projectInMemory(ctx);
    const connection = await mongoose.createConnection(ctx.engines.mongodbUri, { dbName: ctx.target.database, serverSelectionTimeoutMS: 10000 }).asPromise();
    try {
      const write = async (collection: string, docs: Array<Record<string, unknown>>) => {
        for (let i = 0; i < docs.length; i += INSERT_BATCH) {
          await connection.db!.collection<{ _id: string }>(collection).insertMany(docs.slice(i, i + INSERT_BATCH) as Array<{ _id: string }>, { ordered: false });
          if ((i / INSERT_BATCH) % 20 === 19) ctx.log(`${collection}: ${Math.min(i + INSERT_BATCH, docs.length)}/${docs.length} written`);
        }
      };
      await write('relation_sources', relationSources);
      await write('entities', entities);
    } finally {
      await connection.close();
    }
    await markConsumed(ctx);
    const projectMs = performance.now() - projectStarted;
    return { method: 'direct', entities: total, publishMs, projectMs, totalMs: performance.now() - started, projectionRate: total / (projectMs / 1000) };
  };
}
