import { Logger } from '@nestjs/common';
import retry from 'async-retry';
import { Admin, ConfigResourceTypes, ConfigSource, Kafka } from 'kafkajs';
import { deadLetterTopicOf, TOPICS, TopicName } from '@callboard/contracts';
import { KafkaSettings, topicName } from './kafka-options';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A topic to make sure of: its full name (prefix included) and how it keeps messages. */
export interface TopicSpec {
  name: string;
  config: Record<string, string>;
  /** Default: KAFKA_TOPIC_PARTITIONS. */
  partitions?: number;
}

const MIB = 1024 * 1024;
/**
 * Largest message (a record batch, compressed) every topic takes, whatever the broker's default
 * (1 MiB): a GitHub delivery of up to 25 MiB recorded whole even if it does not compress, with its
 * headers; an entity or a change event of a large entity. Consumers of large records fetch this much.
 */
export const TOPIC_MAX_MESSAGE_BYTES = 32 * MIB;
const MAX_MESSAGE_BYTES = { 'max.message.bytes': String(TOPIC_MAX_MESSAGE_BYTES) };

// Why each topic keeps what it keeps.
const TOPIC_CONFIG: Record<TopicName, Record<string, string>> = {
  // Long enough to replay everything GitHub may still redeliver (7 days) and then some.
  [TOPICS.githubDeliveries]: { 'cleanup.policy': 'delete', 'retention.ms': String(14 * DAY_MS), ...MAX_MESSAGE_BYTES },
  // Compacted by entity ref: the latest event of every entity stays, so the projection can be rebuilt.
  [TOPICS.entityEvents]: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(DAY_MS), ...MAX_MESSAGE_BYTES },
  [TOPICS.catalogChanges]: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS), ...MAX_MESSAGE_BYTES },
  // The served catalog as a table: compacted so that reading it whole costs about one message per
  // entity. Only closed segments are compacted: smaller ones, rolled at least every ten minutes,
  // let the cleaner compact soon after a bulk load; tombstones stay a day so that replicas
  // following the table see every deletion.
  [TOPICS.catalogEntities]: {
    'cleanup.policy': 'compact',
    'segment.bytes': String(64 * 1024 * 1024),
    'segment.ms': String(10 * 60 * 1000),
    'min.cleanable.dirty.ratio': '0.2',
    'delete.retention.ms': String(DAY_MS),
    ...MAX_MESSAGE_BYTES,
  },
  // A refresh is worth doing soon after it was asked for, or not at all.
  [TOPICS.refreshRequests]: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY_MS) },
  // State per entity ref and per file: the latest record is the status, so compacted, like the served table.
  [TOPICS.entityStatus]: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(DAY_MS), ...MAX_MESSAGE_BYTES },
  [TOPICS.locationStatus]: { 'cleanup.policy': 'compact', 'delete.retention.ms': String(DAY_MS), ...MAX_MESSAGE_BYTES },
};
const DEAD_LETTER_CONFIG = { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS), ...MAX_MESSAGE_BYTES };
// Read whole by every replica, so nothing is ever parked from it.
const WITHOUT_DEAD_LETTERS = new Set<TopicName>([TOPICS.catalogEntities, TOPICS.locationStatus]);

/** The topics (and their dead-letter companions) a service uses, as it creates them. */
export function topicSpecsFor(settings: KafkaSettings, topics: readonly TopicName[]): TopicSpec[] {
  return topics.flatMap((topic) => [
    { name: topicName(settings, topic), config: TOPIC_CONFIG[topic] },
    ...(WITHOUT_DEAD_LETTERS.has(topic) ? [] : [{ name: topicName(settings, deadLetterTopicOf(topic)), config: DEAD_LETTER_CONFIG }]),
  ]);
}

/** An internal topic (and its dead-letter companion) partitioned like another, e.g. for co-partitioned consumers. */
export function internalTopicSpecs(name: string, partitions: number, retentionMs = 7 * DAY_MS): TopicSpec[] {
  return [
    { name, partitions, config: { 'cleanup.policy': 'delete', 'retention.ms': String(retentionMs), ...MAX_MESSAGE_BYTES } },
    { name: deadLetterTopicOf(name), config: DEAD_LETTER_CONFIG },
  ];
}

function isRetriable(err: unknown): boolean {
  return Boolean((err as { retriable?: boolean }).retriable) || /leader|not available|unknown topic|coordinator|rebalance/i.test(String((err as Error).message));
}

/**
 * Retries a Kafka admin call while it fails for a reason a young cluster or topic gets over
 * (a leader not yet elected, metadata not yet propagated), with async-retry's backoff.
 */
export function whileClusterSettles<T>(work: () => Promise<T>, options: { retries?: number } = {}): Promise<T> {
  return retry(
    async (bail) => {
      try {
        return await work();
      } catch (err) {
        if (!isRetriable(err)) bail(err as Error);
        throw err;
      }
    },
    { retries: options.retries ?? 30, minTimeout: 100, maxTimeout: 2000, factor: 1.6 },
  );
}

/** Partition count of an existing topic, or undefined. */
export async function partitionCountOf(admin: Admin, name: string): Promise<number | undefined> {
  if (!(await whileClusterSettles(() => admin.listTopics())).includes(name)) return undefined;
  const { topics } = await whileClusterSettles(() => admin.fetchTopicMetadata({ topics: [name] }));
  return topics[0]?.partitions.length;
}

/**
 * Creates the topics that are missing and waits until every partition of every one of them has
 * a leader, so that a service started seconds after the cluster (or after another service
 * created the topics) does not stumble over NOT_LEADER_FOR_PARTITION or UNKNOWN_TOPIC_OR_PARTITION.
 */
export async function provisionTopics(kafka: Kafka, settings: KafkaSettings, specs: readonly TopicSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const admin = kafka.admin();
  await whileClusterSettles(() => admin.connect());
  try {
    const existing = new Set(await whileClusterSettles(() => admin.listTopics()));
    const missing = specs.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      try {
        await whileClusterSettles(() =>
          admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((t) => ({
              topic: t.name,
              numPartitions: t.partitions ?? settings.KAFKA_TOPIC_PARTITIONS,
              replicationFactor: settings.KAFKA_REPLICATION_FACTOR,
              configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
            })),
          }),
        );
        new Logger('TopicProvisioner').log(`created topics: ${missing.map((t) => t.name).join(', ')}`);
      } catch (err) {
        // Another replica created them between our list and create: that is the outcome we wanted.
        if (!/already exists/i.test(String((err as Error).message)) && !String(JSON.stringify(err)).includes('TOPIC_ALREADY_EXISTS')) throw err;
      }
    }
    await raiseMessageLimits(admin, specs.filter((t) => existing.has(t.name)));
    await whileClusterSettles(async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((t) => t.name) });
      const leaderless = topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0 || p.partitionErrorCode !== 0));
      if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`), { retriable: true });
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Raises `max.message.bytes` of existing topics to what their spec says where it is smaller: a
 * topic created before the limit was raised (or by hand, or by a cluster's defaults) would
 * otherwise refuse every large record for good, and a webhook answered 503 is never accepted.
 * A larger limit set by an operator stays. The AlterConfigs request kafkajs sends replaces all of
 * a topic's overrides, so the ones it has are sent again with the new limit.
 */
async function raiseMessageLimits(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const wanted = specs.filter((t) => t.config['max.message.bytes'] !== undefined);
  if (wanted.length === 0) return;
  const { resources } = await whileClusterSettles(() =>
    admin.describeConfigs({ includeSynonyms: false, resources: wanted.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name })) }),
  );
  const changes = wanted.flatMap((spec) => {
    const entries = resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
    const current = Number(entries.find((e) => e.configName === 'max.message.bytes')?.configValue);
    const limit = spec.config['max.message.bytes'];
    if (current >= Number(limit)) return [];
    const overrides = entries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && e.configName !== 'max.message.bytes');
    return [{ name: spec.name, from: current, configEntries: [...overrides.map((e) => ({ name: e.configName, value: e.configValue })), { name: 'max.message.bytes', value: limit }] }];
  });
  if (changes.length === 0) return;
  try {
    await whileClusterSettles(() =>
      admin.alterConfigs({ validateOnly: false, resources: changes.map((c) => ({ type: ConfigResourceTypes.TOPIC, name: c.name, configEntries: c.configEntries })) }),
    );
  } catch (err) {
    // E.g. no ALTER_CONFIGS permission on a managed cluster: better not to start than to answer 503 for good.
    const topics = changes.map((c) => `${c.name} (${c.from})`).join(', ');
    throw new Error(`cannot raise max.message.bytes to ${changes[0].configEntries.at(-1)!.value} on ${topics}: ${(err as Error).message}; raise it by hand (kafka-configs.sh --alter --entity-type topics --add-config max.message.bytes=...)`, { cause: err });
  }
  new Logger('TopicProvisioner').log({ msg: 'raised max.message.bytes of existing topics', topics: changes.map((c) => `${c.name} (${c.from} → ${c.configEntries.at(-1)!.value})`) });
}

/** Creates the topics a service uses (and their dead-letter companions) if they are missing. */
export function ensureTopics(kafka: Kafka, settings: KafkaSettings, topics: readonly TopicName[]): Promise<void> {
  return provisionTopics(kafka, settings, topicSpecsFor(settings, topics));
}
