import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Consumer, Kafka } from 'kafkajs';
import type { z } from 'zod';
import { checkContract, TopicName } from '@callboard/contracts';
import { KafkaSettings, topicName } from './kafka-options';
import { whileClusterSettles } from './topic-provisioner';

export interface TablePosition {
  partition: number;
  offset: string;
}

export interface TopicTableOptions<S extends z.ZodType> {
  /** A compacted topic: the latest message of every key is its value, one without value deletes it. */
  topic: TopicName;
  schema: S;
  /** Names the reader's throwaway consumer group, e.g. `query-read-model`. */
  purpose: string;
  /**
   * A key's new value, checked against the schema; `asSent` is it decoded as sent and `json` its
   * text (validation rebuilds objects with the schema's key order, and a replica serving
   * entities keeps the writer's). Must not throw for bad content: the table cannot dead-letter
   * for every replica.
   */
  upsert(key: string, asSent: z.infer<S>, json: string, position: TablePosition): void;
  remove(key: string, position: TablePosition): void;
  /** A message that fails its contract, or has no key; the table skips it. */
  onInvalid(error: string, position: TablePosition): void;
  /** Most bytes fetched per partition at once while loading. */
  maxBytesPerPartition?: number;
}

/**
 * A compacted topic read as a table in every process that runs it (each query replica holds the
 * whole served catalog): from the beginning up to where the topic ended when reading started
 * (then the table is loaded), and on from there as messages arrive. Each start joins a consumer
 * group of its own and never commits, so no replica shares partitions with another and Kafka
 * forgets the group when the replica leaves.
 */
export class TopicTable<S extends z.ZodType> {
  private readonly logger = new Logger(TopicTable.name);
  private consumer: Consumer | undefined;
  private readonly lastSeen = new Map<number, bigint>();
  private ends: Map<number, bigint> | undefined;
  private loadedResolve!: () => void;
  readonly whenLoaded = new Promise<void>((resolve) => (this.loadedResolve = resolve));
  private loadedFlag = false;
  /**
   * While loading, the latest value read of each key (copied: a value is a slice of its whole
   * fetch response). The topic is compacted only in closed segments, so after a bulk load it
   * holds several versions of most keys; applying only the last one spares parsing, checking and
   * indexing the others, which was most of a replica's start at 100,000 entities.
   */
  private readonly loading = new Map<string, { value: Buffer | null; position: TablePosition }>();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly options: TopicTableOptions<S>,
  ) {}

  private get topic(): string {
    return topicName(this.settings, this.options.topic);
  }

  /** True once everything the topic held when reading started has been applied. */
  get loaded(): boolean {
    return this.loadedFlag;
  }

  private checkLoaded(): void {
    if (this.loadedFlag || !this.ends) return;
    for (const [partition, end] of this.ends) if (end > 0n && (this.lastSeen.get(partition) ?? -1n) < end - 1n) return;
    for (const [key, { value, position }] of this.loading) {
      this.loading.delete(key);
      this.applyValue(key, value, position);
    }
    this.loadedFlag = true;
    this.loadedResolve();
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await whileClusterSettles(() => admin.connect());
    try {
      const offsets = await whileClusterSettles(() => admin.fetchTopicOffsets(this.topic));
      this.ends = new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
    } finally {
      await admin.disconnect();
    }
    const consumer = this.kafka.consumer({
      groupId: `${this.settings.KAFKA_TOPIC_PREFIX}callboard-${this.options.purpose}-${randomUUID()}`,
      sessionTimeout: this.settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.max(500, Math.floor(this.settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS / 6)),
      allowAutoTopicCreation: false,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      // Changes should be visible at once; the broker answers as soon as data arrives.
      maxWaitTimeInMs: 500,
    });
    this.consumer = consumer;
    await whileClusterSettles(() => consumer.connect());
    await whileClusterSettles(() => consumer.subscribe({ topic: this.topic, fromBeginning: true }));
    this.checkLoaded();
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.apply(batch.partition, message.offset, message.key, message.value);
        this.checkLoaded();
      },
    });
    this.logger.log(`reading ${this.topic} as a table up to ${[...this.ends!].map(([p, o]) => `${p}:${o}`).join(', ')}`);
  }

  private apply(partition: number, offset: string, keyBytes: Buffer | null, value: Buffer | null): void {
    const position = { partition, offset };
    this.lastSeen.set(partition, BigInt(offset));
    if (!keyBytes) return this.options.onInvalid('message has no key', position);
    const key = keyBytes.toString('utf8');
    if (!this.loadedFlag) this.loading.set(key, { value: value && Buffer.from(value), position });
    else this.applyValue(key, value, position);
  }

  private applyValue(key: string, value: Buffer | null, position: TablePosition): void {
    if (value === null) return this.options.remove(key, position);
    const json = value.toString('utf8');
    let decoded: unknown;
    try {
      decoded = JSON.parse(json);
    } catch (err) {
      return this.options.onInvalid(`value is not JSON: ${(err as Error).message}`, position);
    }
    const checked = checkContract(this.options.schema, decoded);
    if (checked.ok) this.options.upsert(key, decoded as z.infer<S>, json, position);
    else this.options.onInvalid(checked.error, position);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
