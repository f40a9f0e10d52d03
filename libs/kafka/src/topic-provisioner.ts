import { Logger } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { deadLetterTopicOf, TOPICS, TopicName } from '@callboard/contracts';
import { KafkaSettings, topicName } from './kafka-options';

const DAY_MS = 24 * 60 * 60 * 1000;

// Why each topic keeps what it keeps.
const TOPIC_CONFIG: Record<TopicName, Record<string, string>> = {
  // Long enough to replay everything GitHub may still redeliver (7 days) and then some.
  [TOPICS.githubDeliveries]: { 'cleanup.policy': 'delete', 'retention.ms': String(14 * DAY_MS) },
  // Compacted by entity ref: the latest event of every entity stays, so the projection can be rebuilt.
  [TOPICS.entityEvents]: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(DAY_MS) },
  [TOPICS.catalogChanges]: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) },
  // A refresh is worth doing soon after it was asked for, or not at all.
  [TOPICS.refreshRequests]: { 'cleanup.policy': 'delete', 'retention.ms': String(DAY_MS) },
};
const DEAD_LETTER_CONFIG = { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) };

/** Creates the topics a service uses (and their dead-letter companions) if they are missing. */
export async function ensureTopics(kafka: Kafka, settings: KafkaSettings, topics: readonly TopicName[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = topics.flatMap((topic) => [
      { topic: topicName(settings, topic), configEntries: TOPIC_CONFIG[topic] },
      { topic: topicName(settings, deadLetterTopicOf(topic)), configEntries: DEAD_LETTER_CONFIG },
    ]);
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: settings.KAFKA_TOPIC_PARTITIONS,
          replicationFactor: settings.KAFKA_REPLICATION_FACTOR,
          configEntries: Object.entries(t.configEntries).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      // Another replica created them between our list and create: that is the outcome we wanted.
      if (!/already exists/i.test(String((err as Error).message)) && !String(JSON.stringify(err)).includes('TOPIC_ALREADY_EXISTS')) throw err;
    }
    new Logger('TopicProvisioner').log(`created topics: ${missing.map((t) => t.topic).join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}
