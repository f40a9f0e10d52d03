import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { deadLetterTopicOf, TOPIC_CONTRACTS, TopicName } from '@callboard/contracts';
import { decideReplay, LetterSummary, ReadDeadLetter, ReplayFilter } from './dead-letter-selection';
import { EventPublisher } from './event-publisher';
import { KafkaSettings, topicName } from './kafka-options';
import { whileClusterSettles } from './topic-provisioner';

export interface ReplayRequest extends ReplayFilter {
  /** The source topic (unprefixed), e.g. `callboard.github.deliveries.v1`; its `.dlq` is read. */
  topic: TopicName;
  /** Report what would be replayed; publish nothing. */
  dryRun?: boolean;
  /** How long reading the dead-letter topic to its end may take. */
  timeoutMs?: number;
}

export interface ReplayedLetter extends LetterSummary {
  partition: number;
  offset: string;
  key: string | null;
  failedAt: string;
  reason: string;
}

/** A selected letter that is not re-published: its reason and details as recorded, and why not. */
export interface SkippedLetter extends LetterSummary {
  partition: number;
  offset: string;
  why: string;
}

export interface ReplayReport {
  deadLetterTopic: string;
  sourceTopic: string;
  dryRun: boolean;
  /** Dead letters read (everything in the topic when the replay started). */
  read: number;
  /** Selected by the filters and re-published (or, in a dry run, that would be). */
  replayed: ReplayedLetter[];
  /** Selected by the filters but not re-published, with why. */
  skipped: SkippedLetter[];
}

export class DeadLetterTopicMissingError extends Error {}

/**
 * Re-publishes parked messages from a dead-letter topic to its source topic, for their
 * consumer to process again (after the cause, e.g. a GitHub outage, went away). The dead-letter
 * topic is read up to where it ended when the replay started, with a consumer group of its own
 * that commits nothing and is deleted afterwards; letters stay where they are.
 *
 * Replaying a message twice is harmless: a delivery that was processed after all is skipped by
 * its id, and the catalog applies an entity event once.
 */
export class DeadLetterReplayer {
  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly publisher: EventPublisher,
  ) {}

  async replay(request: ReplayRequest): Promise<ReplayReport> {
    const deadLetterTopic = topicName(this.settings, deadLetterTopicOf(request.topic));
    const sourceTopic = topicName(this.settings, request.topic);
    const letters = await this.readAll(deadLetterTopic, request.timeoutMs ?? 60000);
    const report: ReplayReport = { deadLetterTopic, sourceTopic, dryRun: Boolean(request.dryRun), read: letters.length, replayed: [], skipped: [] };
    const target = { topic: sourceTopic, schema: TOPIC_CONTRACTS[request.topic] };
    const seen = new Set<string>();
    const outgoing: Array<{ key: string | null; value: string; headers: Record<string, string> }> = [];
    for (const letter of letters) {
      const decision = decideReplay(letter, target, request, seen);
      const at = { partition: letter.partition, offset: letter.offset };
      if (decision.kind === 'unselected') continue;
      const recorded = { ...at, deliveryId: decision.deliveryId, failedAt: decision.failedAt, reason: decision.reason, stage: decision.stage, details: decision.details };
      if (decision.kind === 'skip') {
        report.skipped.push({ ...recorded, why: decision.why });
        continue;
      }
      report.replayed.push({ ...recorded, key: decision.key, failedAt: decision.failedAt, reason: decision.reason });
      outgoing.push({
        key: decision.key,
        value: decision.value,
        // Lets whoever reads the source topic tell a replay from the first recording.
        headers: { ...decision.headers, 'x-callboard-replayed-from': `${deadLetterTopic}/${letter.partition}/${letter.offset}` },
      });
    }
    // Letters of one key sit in one dead-letter partition, read in order: sent in that order, they keep it.
    if (!request.dryRun) await this.publisher.republish(sourceTopic, target.schema, outgoing);
    return report;
  }

  /** Every message in the topic up to its end now, ordered by partition and offset. */
  private async readAll(topic: string, timeoutMs: number): Promise<ReadDeadLetter[]> {
    const admin = this.kafka.admin();
    await whileClusterSettles(() => admin.connect());
    const groupId = `${this.settings.KAFKA_TOPIC_PREFIX}callboard-dlq-replay-${randomUUID()}`;
    try {
      const existing = await whileClusterSettles(() => admin.listTopics());
      if (!existing.includes(topic)) throw new DeadLetterTopicMissingError(`no dead-letter topic ${topic} (nothing was ever parked there, or KAFKA_TOPIC_PREFIX differs)`);
      const offsets = await whileClusterSettles(() => admin.fetchTopicOffsets(topic));
      // The last offset to read in each partition that holds anything.
      const pending = new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high) - 1n]));
      if (pending.size === 0) return [];

      const letters: ReadDeadLetter[] = [];
      const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
      await whileClusterSettles(() => consumer.connect());
      try {
        await whileClusterSettles(() => consumer.subscribe({ topic, fromBeginning: true }));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`could not read ${topic} to its end within ${timeoutMs} ms`)), timeoutMs);
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                const last = pending.get(partition);
                if (last === undefined || BigInt(message.offset) > last) return;
                letters.push({ partition, offset: message.offset, raw: message.value ? message.value.toString('utf8') : null });
                if (BigInt(message.offset) === last) pending.delete(partition);
                if (pending.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch((err: unknown) => {
              clearTimeout(timer);
              reject(err instanceof Error ? err : new Error(String(err)));
            });
        });
      } finally {
        await consumer.disconnect();
      }
      await admin.deleteGroups([groupId]).catch(() => undefined);
      return letters.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    } finally {
      await admin.disconnect();
    }
  }
}
