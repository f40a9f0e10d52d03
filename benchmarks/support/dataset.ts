/**
 * Getting a synthetic catalog into a running Callboard, and remembering that it is there.
 *
 * A dataset lives in its own MongoDB database and its own Kafka topic prefix, both named
 * after the catalog's size and content digest, so any number of datasets share one stack and
 * a second benchmark run with the same seed and size finds its data already loaded (a marker
 * document written after a complete load) and skips loading.
 *
 * How the data gets in is one function, `DatasetLoader`; `loadThroughPipeline` is the real
 * path (entity events on Kafka, projected by the catalog service).
 */
import { createHash } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { catalogRelationsTopic, EntityEventV1, entityEventV1Schema, TOPICS } from '@callboard/contracts';
import { PROCESSING_VERSION } from '@callboard/entity-model';
import { ensureTopics, EventPublisher, KafkaSettings, kafkaClientConfig, OutgoingMessage, topicName } from '@callboard/kafka';
import { SyntheticCatalog, upsertEventsOf } from '../../tools/synthetic-catalog/src';
import { spawnService } from '../../test/support/process-harness';

export interface Engines {
  kafkaBrokers: string;
  mongodbUri: string;
}

/** Where one dataset lives: the environment the catalog and query services get for it. */
export interface DatasetTarget {
  key: string;
  database: string;
  topicPrefix: string;
  partitions: number;
  /** KAFKA_BROKERS, MONGODB_URI, MONGODB_DATABASE, KAFKA_TOPIC_PREFIX, KAFKA_TOPIC_PARTITIONS. */
  serviceEnv: Record<string, string>;
}

export interface LoadContext {
  catalog: SyntheticCatalog;
  engines: Engines;
  target: DatasetTarget;
  log: (line: string) => void;
}

export interface LoadReport {
  method: string;
  entities: number;
  /** Time to hand every entity to the system (publishing events). */
  publishMs: number;
  /** Time until every entity was projected (served, stitched) after the consumer started. */
  projectMs: number;
  totalMs: number;
  /** Projected entities per second, publishing not included. */
  projectionRate: number;
}

/** Gets every entity of `ctx.catalog` into `ctx.target`, fully projected, and says how long it took. */
export type DatasetLoader = (ctx: LoadContext) => Promise<LoadReport>;

const MARKER_COLLECTION = 'bench_dataset';
const CATALOG_GROUP = 'callboard-catalog';
const PUBLISH_BATCH = 250;

/**
 * A short digest of the catalog's content and of the catalog's processing rules: a changed
 * generator, or processing that the catalog would now do differently, is a different dataset.
 */
export function catalogDigest(catalog: SyntheticCatalog): string {
  const hash = createHash('sha256').update(`processing v${PROCESSING_VERSION}\n`);
  for (const item of catalog.entities) hash.update(JSON.stringify(item)).update('\n');
  return hash.digest('hex').slice(0, 10);
}

export function datasetTarget(catalog: SyntheticCatalog, engines: Engines, partitions = 3): DatasetTarget {
  const n = catalog.entities.length;
  const key = `${n}_${catalogDigest(catalog)}`;
  const database = `bench_${key}`;
  const topicPrefix = `bench.${key}.`;
  return {
    key,
    database,
    topicPrefix,
    partitions,
    serviceEnv: {
      KAFKA_BROKERS: engines.kafkaBrokers,
      MONGODB_URI: engines.mongodbUri,
      MONGODB_DATABASE: database,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_TOPIC_PARTITIONS: String(partitions),
    },
  };
}

function kafkaSettings(engines: Engines, target: DatasetTarget): KafkaSettings {
  return {
    KAFKA_BROKERS: engines.kafkaBrokers.split(','),
    KAFKA_CLIENT_ID: 'callboard-bench',
    KAFKA_TOPIC_PREFIX: target.topicPrefix,
    KAFKA_TOPIC_PARTITIONS: target.partitions,
    KAFKA_REPLICATION_FACTOR: 1,
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: 30000,
  };
}

export interface DatasetMarker {
  _id: 'dataset';
  key: string;
  entities: number;
  seed: string;
  method: string;
  loadedAt: string;
  report: LoadReport;
}

type Db = NonNullable<mongoose.Connection['db']>;

async function withMongo<T>(engines: Engines, database: string, work: (db: Db) => Promise<T>): Promise<T> {
  const connection = await mongoose.createConnection(engines.mongodbUri, { dbName: database, serverSelectionTimeoutMS: 10000 }).asPromise();
  try {
    return await work(connection.db!);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The marker of a complete earlier load of this dataset, if there is one. */
export function findLoadedDataset(engines: Engines, target: DatasetTarget): Promise<DatasetMarker | null> {
  return withMongo(engines, target.database, (db) => db.collection<DatasetMarker>(MARKER_COLLECTION).findOne({ _id: 'dataset' }) as Promise<DatasetMarker | null>);
}

/** Forgets a dataset: drops its database, its topics and the catalog's consumer group. */
export async function dropDataset(engines: Engines, target: DatasetTarget): Promise<void> {
  await withMongo(engines, target.database, async (db) => {
    await db.dropDatabase();
  });
  const settings = kafkaSettings(engines, target);
  const admin = new Kafka({ ...kafkaClientConfig(settings, 'bench-reset'), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(target.topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30000 });
    await admin.deleteGroups([`${target.topicPrefix}${CATALOG_GROUP}`]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Loads the dataset unless a complete earlier load is recorded; returns the marker either way.
 * An incomplete earlier load (no marker) is dropped and redone.
 */
export async function ensureDataset(ctx: LoadContext, loader: DatasetLoader, methodName: string): Promise<{ marker: DatasetMarker; loadedNow: boolean }> {
  const existing = await findLoadedDataset(ctx.engines, ctx.target);
  if (existing) return { marker: existing, loadedNow: false };
  await dropDataset(ctx.engines, ctx.target);
  const report = await loader(ctx);
  const marker: DatasetMarker = {
    _id: 'dataset',
    key: ctx.target.key,
    entities: ctx.catalog.entities.length,
    seed: ctx.catalog.seed,
    method: methodName,
    loadedAt: new Date().toISOString(),
    report,
  };
  await withMongo(ctx.engines, ctx.target.database, (db) => db.collection<DatasetMarker>(MARKER_COLLECTION).replaceOne({ _id: 'dataset' }, marker, { upsert: true }));
  return { marker, loadedNow: true };
}

/** Publishes one upsert per entity to the dataset's entity-event topic, as GitHub ingestion would. */
export async function publishCatalog(ctx: LoadContext): Promise<number> {
  const settings = kafkaSettings(ctx.engines, ctx.target);
  const kafka = new Kafka({ ...kafkaClientConfig(settings, 'bench-loader'), logLevel: logLevel.ERROR });
  await ensureTopics(kafka, settings, [TOPICS.entityEvents, TOPICS.catalogChanges, TOPICS.catalogEntities]);
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const topic = topicName(settings, TOPICS.entityEvents);
  const started = performance.now();
  try {
    let batch: Array<OutgoingMessage<EntityEventV1>> = [];
    for (const event of upsertEventsOf(ctx.catalog)) {
      batch.push({ key: event.entityRef, value: event, headers: { 'x-github-delivery': event.source.deliveryId } });
      if (batch.length >= PUBLISH_BATCH) {
        await publisher.publish(topic, entityEventV1Schema, batch);
        batch = [];
      }
    }
    await publisher.publish(topic, entityEventV1Schema, batch);
  } finally {
    await publisher.disconnect();
  }
  return performance.now() - started;
}

/** Messages on the catalog's input topics (entity events, its relation updates) not yet committed by its consumer group. */
export async function catalogLag(engines: Engines, target: DatasetTarget): Promise<number> {
  const settings = kafkaSettings(engines, target);
  const kafka = new Kafka({ ...kafkaClientConfig(settings, 'bench-lag'), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = [topicName(settings, TOPICS.entityEvents), `${target.topicPrefix}${catalogRelationsTopic(CATALOG_GROUP)}`].filter((t) => existing.has(t));
    let lag = 0;
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: `${target.topicPrefix}${CATALOG_GROUP}`, topics: [topic] });
      const done = new Map(committed.partitions.map((p) => [p.partition, Number(p.offset)]));
      lag += ends.reduce((n, p) => n + Number(p.high) - Math.max(0, done.get(p.partition) ?? 0), 0);
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Entities the dataset's catalog serves (a scan: only once the consumer caught up). */
export function servedCount(engines: Engines, target: DatasetTarget): Promise<number> {
  return withMongo(engines, target.database, (db) => db.collection('entities').countDocuments({ status: 'live' }));
}

/** The load did not finish within its time limit; `report` holds the progress made until then. */
export class LoadTimeLimitError extends Error {
  constructor(
    message: string,
    readonly report: LoadReport & { projected: number },
  ) {
    super(message);
  }
}

/** Entity documents written so far (cheap: collection metadata, no scan). */
function entityDocuments(engines: Engines, target: DatasetTarget): Promise<number> {
  return withMongo(engines, target.database, (db) => db.collection('entities').estimatedDocumentCount());
}

/**
 * The real pipeline: publish every entity event, start the catalog service (dist), wait
 * until its consumer group has committed every event and nothing is left pending, stop it.
 * Progress (documents written, entities/s) is logged every `progressEveryMs`; after
 * `timeLimitMs` it stops with a LoadTimeLimitError carrying the rate reached.
 */
export function pipelineLoader(options: { progressEveryMs?: number; catalogLogLevel?: string; timeLimitMs?: number } = {}): DatasetLoader {
  return async (ctx) => {
    const started = performance.now();
    const total = ctx.catalog.entities.length;
    ctx.log(`publishing ${total} entity events to ${ctx.target.topicPrefix}${TOPICS.entityEvents}`);
    const publishMs = await publishCatalog(ctx);
    ctx.log(`published in ${(publishMs / 1000).toFixed(1)} s (${Math.round(total / (publishMs / 1000))} events/s); starting the catalog service`);
    const catalog = await spawnService('catalog', {
      ...ctx.target.serviceEnv,
      LOG_LEVEL: options.catalogLogLevel ?? 'warn',
      NODE_ENV: 'production',
    });
    const projectStarted = performance.now();
    const report = (projected: number): LoadReport & { projected: number } => {
      const projectMs = performance.now() - projectStarted;
      return { method: 'pipeline', entities: total, projected, publishMs, projectMs, totalMs: performance.now() - started, projectionRate: projected / (projectMs / 1000) };
    };
    try {
      let lastDone = 0;
      let lastAt = projectStarted;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, options.progressEveryMs ?? 10000));
        const exited = await Promise.race([catalog.exited, Promise.resolve('running')]);
        if (exited !== 'running') throw new Error(`catalog service exited (${exited}) during the load:\n${catalog.output().slice(-3000)}`);
        // Documents are created as events are processed; the consumer group's offsets only move per fetched batch.
        const done = await entityDocuments(ctx.engines, ctx.target);
        const now = performance.now();
        const rate = (done - lastDone) / ((now - lastAt) / 1000);
        const overall = done / ((now - projectStarted) / 1000);
        const left = total - done;
        ctx.log(
          `projected ${done}/${total} after ${formatDuration(now - projectStarted)} (${rate.toFixed(2)}/s now, ${overall.toFixed(2)}/s overall` +
            (left > 0 ? `, ~${formatDuration(overall > 0 ? (left / overall) * 1000 : Infinity)} to go at that rate)` : ')'),
        );
        lastDone = done;
        lastAt = now;
        if (done >= total && (await catalogLag(ctx.engines, ctx.target)) === 0) {
          const served = await servedCount(ctx.engines, ctx.target);
          if (served >= total) break;
          ctx.log(`consumer caught up with ${served}/${total} served`);
        }
        if (options.timeLimitMs !== undefined && now - projectStarted > options.timeLimitMs) {
          throw new LoadTimeLimitError(`stopped after ${formatDuration(now - projectStarted)} with ${done}/${total} entities projected`, report(done));
        }
      }
      const { projected, ...finished } = report(total);
      void projected;
      return finished;
    } finally {
      await catalog.stop();
    }
  };
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
