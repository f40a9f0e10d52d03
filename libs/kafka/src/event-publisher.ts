import { Logger } from '@nestjs/common';
import { CompressionTypes, IHeaders, Kafka, Message, Partitioners, Producer } from 'kafkajs';
import type { z } from 'zod';
import { checkContract, DeadLetterV1, deadLetterV1Schema, decodeContract } from '@callboard/contracts';
import { whileClusterSettles } from './topic-provisioner';

export interface OutgoingMessage<T> {
  key: string;
  value: T;
  headers?: Record<string, string>;
}

/** One record of a multi-topic send: a value checked against its contract, or a tombstone. */
export type OutgoingRecord =
  | { topic: string; schema: z.ZodType; key: string; value: unknown; headers?: Record<string, string> }
  | { topic: string; schema?: undefined; key: string; value: null; headers?: Record<string, string> };

export class ContractViolationError extends Error {}

/** A dead letter as a record, to be sent together with other output of the same work. */
export function deadLetterRecord(topic: string, letter: Omit<DeadLetterV1, 'schemaVersion' | 'failedAt'>): OutgoingRecord {
  const value: DeadLetterV1 = { schemaVersion: 1, failedAt: new Date().toISOString(), ...letter };
  return { topic, schema: deadLetterV1Schema, key: letter.original.key ?? letter.stage, value };
}

// kafkajs sends all messages of one topic-partition in a request as one record batch, and a
// broker refuses a batch larger than its message.max.bytes (1 MiB by default): sends are cut so
// that no request carries more than this (uncompressed) per call, and compressed when large.
const SEND_BYTES = 512 * 1024;
const COMPRESS_FROM_BYTES = 16 * 1024;

type Encoded = { topic: string; message: Message; bytes: number };

/**
 * The one way services write to Kafka: an idempotent producer waiting for all in-sync
 * replicas (acks=all), validating every message against its contract before it leaves.
 */
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private producer: Producer;
  private connected = false;
  // A failed send can leave kafkajs' idempotent producer out of step with the broker's sequence
  // numbers (every later send then fails): it is replaced before the next send.
  private broken = false;
  private replacing: Promise<void> | undefined;
  private readonly waiting: Array<{ encoded: Encoded[]; resolve: () => void; reject: (err: Error) => void }> = [];
  private sending = false;

  constructor(private readonly kafka: Kafka) {
    this.producer = this.newProducer();
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Murmur2, as the Java client: the same key lands on the same partition from any client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    // At start-up, possibly against a cluster created seconds before.
    await whileClusterSettles(() => this.producer.connect());
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async publish<S extends z.ZodType>(topic: string, schema: S, messages: Array<OutgoingMessage<z.infer<S>>>): Promise<void> {
    await this.publishAll(messages.map((m) => ({ topic, schema, key: m.key, value: m.value, headers: m.headers })));
  }

  /**
   * Sends records for several topics (acks=all), each checked against its contract first; none
   * is sent when one fails its contract. Order is kept per topic-partition (and so per key).
   * Large sends go out as several requests of bounded size, gzip-compressed.
   */
  async publishAll(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const encoded: Encoded[] = records.map((record) => {
      let value: string | null = null;
      if (record.schema) {
        const check = checkContract(record.schema, record.value);
        if (!check.ok) throw new ContractViolationError(`refusing to publish to ${record.topic}: ${check.error}`);
        value = JSON.stringify(check.value);
      }
      return { topic: record.topic, message: { key: record.key, value, headers: record.headers as IHeaders | undefined }, bytes: (value?.length ?? 0) + record.key.length + 64 };
    });
    await this.send(encoded);
  }

  /**
   * Sends recorded messages again byte for byte (a dead letter's original): each must still
   * satisfy the contract, but is not re-encoded, so what consumers see is what was first sent.
   */
  async republish(topic: string, schema: z.ZodType, messages: Array<{ key: string | null; value: string; headers?: Record<string, string> }>): Promise<void> {
    if (messages.length === 0) return;
    for (const message of messages) {
      const check = decodeContract(schema, message.value);
      if (!check.ok) throw new ContractViolationError(`refusing to publish to ${topic}: ${check.error}`);
    }
    await this.send(messages.map(({ key, value, headers }) => ({ topic, message: { key, value, headers }, bytes: value.length + 64 })));
  }

  /** Parks a message that cannot be processed, with the reason; never throws for a bad original. */
  async publishDeadLetter(topic: string, letter: Omit<DeadLetterV1, 'schemaVersion' | 'failedAt'>): Promise<void> {
    this.logger.warn({ msg: 'dead-lettered', topic, reason: letter.reason, stage: letter.stage, deliveryId: letter.deliveryId });
    await this.publishAll([deadLetterRecord(topic, letter)]);
  }

  /**
   * Sends go out one at a time, what callers asked for meanwhile together in the next one. kafkajs'
   * idempotent producer gives a request its partitions' next sequence numbers and takes them back
   * when the request fails; a request the broker did append (its answer lost, or too late) is then
   * followed, if another send was waiting, by that send's records under the same numbers, which
   * the broker takes for a retry of what it has: answered as written, and dropped. A webhook was
   * acknowledged 202 and its delivery lost that way while Kafka restarted (docs/reliability.md).
   */
  private send(encoded: Encoded[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ encoded, resolve, reject });
      if (!this.sending) void this.sendWaiting();
    });
  }

  private async sendWaiting(): Promise<void> {
    this.sending = true;
    try {
      while (this.waiting.length > 0) {
        const calls = this.waiting.splice(0);
        try {
          await this.sendNow(calls.flatMap((call) => call.encoded));
          for (const call of calls) call.resolve();
        } catch (err) {
          for (const call of calls) call.reject(err as Error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async sendNow(encoded: Encoded[]): Promise<void> {
    if (this.broken) await (this.replacing ??= this.replaceProducer().finally(() => (this.replacing = undefined)));
    // The chunks of one call go out one after the other, in order.
    for (const chunk of chunksOf(encoded)) {
      const bytes = chunk.reduce((n, e) => n + e.bytes, 0);
      const topicMessages = new Map<string, Message[]>();
      for (const { topic, message } of chunk) {
        const messages = topicMessages.get(topic);
        if (messages) messages.push(message);
        else topicMessages.set(topic, [message]);
      }
      try {
        await this.producer.sendBatch({
          acks: -1,
          ...(bytes >= COMPRESS_FROM_BYTES ? { compression: CompressionTypes.GZIP } : {}),
          topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (err) {
        // Its sequence numbers may have been taken back for records the broker has: a new
        // producer (a new producer id) before anything else is sent.
        this.broken = true;
        throw err;
      }
    }
  }

  private async replaceProducer(): Promise<void> {
    this.logger.warn({ msg: 'replacing the Kafka producer after a failed send' });
    await this.producer.disconnect().catch(() => undefined);
    this.producer = this.newProducer();
    await this.producer.connect();
    this.broken = false;
  }
}

function chunksOf(encoded: Encoded[]): Encoded[][] {
  const chunks: Encoded[][] = [];
  let current: Encoded[] = [];
  let size = 0;
  for (const item of encoded) {
    if (current.length > 0 && size + item.bytes > SEND_BYTES) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
