import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import type { z } from 'zod';
import { checkContract, TopicName } from '@callboard/contracts';
import { KafkaSettings, topicName } from './kafka-options';

export interface PartitionOffset {
  partition: number;
  /** The next offset to read. */
  offset: string;
}

export interface TopicTailOptions<S extends z.ZodType> {
  topic: TopicName;
  schema: S;
  /** Names the tail's throwaway consumer group, e.g. `query-read-model`. */
  purpose: string;
  /**
   * Applies one valid message; must not throw for bad content (the tail cannot dead-letter for
   * every replica). `json` is the message as sent: validation rebuilds objects with the schema's
   * key order, and a replica serving entities must keep the writer's.
   */
  apply: (value: z.infer<S>, position: { partition: number; offset: string }, json: unknown) => void;
  /** Called for a message that fails its contract; the tail skips it. */
  onInvalid: (error: string, position: { partition: number; offset: string }) => void;
}

/**
 * Reads a whole topic in every process that runs it (each query replica sees every change),
 * from offsets the caller took before loading a snapshot: replaying from there over the
 * snapshot converges on the latest state, since each key's events are ordered in its partition.
 *
 * Each start joins a group of its own and never commits, so no replica shares partitions with
 * another and Kafka forgets the group when the replica leaves.
 */
export class TopicTail<S extends z.ZodType> {
  private readonly logger = new Logger(TopicTail.name);
  private consumer: Consumer | undefined;
  private readonly applied = new Map<number, bigint>();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly options: TopicTailOptions<S>,
  ) {}

  private get topic(): string {
    return topicName(this.settings, this.options.topic);
  }

  /** The end of every partition now: a snapshot taken after this call misses nothing past it. */
  async endOffsets(): Promise<PartitionOffset[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      return offsets.map(({ partition, high }) => ({ partition, offset: high }));
    } finally {
      await admin.disconnect();
    }
  }

  /** True once every message below `offsets` has been applied. */
  reached(offsets: readonly PartitionOffset[]): boolean {
    return offsets.every(({ partition, offset }) => BigInt(offset) === 0n || (this.applied.get(partition) ?? -1n) >= BigInt(offset) - 1n);
  }

  async start(from: readonly PartitionOffset[]): Promise<void> {
    for (const { partition, offset } of from) this.applied.set(partition, BigInt(offset) - 1n);
    const consumer = this.kafka.consumer({
      groupId: `${this.settings.KAFKA_TOPIC_PREFIX}callboard-${this.options.purpose}-${randomUUID()}`,
      sessionTimeout: this.settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
      // Changes should be visible at once; the broker answers as soon as data arrives.
      maxWaitTimeInMs: 500,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const position = { partition, offset: message.offset };
        let json: unknown;
        try {
          json = JSON.parse(message.value?.toString('utf8') ?? 'null');
        } catch (err) {
          this.options.onInvalid(`value is not JSON: ${(err as Error).message}`, position);
        }
        const checked = json === undefined ? undefined : checkContract(this.options.schema, json);
        if (checked?.ok) this.options.apply(checked.value, position, json);
        else if (checked) this.options.onInvalid(checked.error, position);
        this.applied.set(partition, BigInt(message.offset));
      },
    });
    // kafkajs applies seeks once the partitions are assigned.
    for (const { partition, offset } of from) consumer.seek({ topic: this.topic, partition, offset });
    this.logger.log(`tailing ${this.topic} from ${from.map((p) => `${p.partition}:${p.offset}`).join(', ')}`);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
