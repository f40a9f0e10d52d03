import { Logger } from '@nestjs/common';
import { IHeaders, Kafka, Partitioners, Producer } from 'kafkajs';
import type { z } from 'zod';
import { checkContract, DeadLetterV1, deadLetterV1Schema, decodeContract } from '@callboard/contracts';

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

/**
 * The one way services write to Kafka: an idempotent producer waiting for all in-sync
 * replicas (acks=all), validating every message against its contract before it leaves.
 */
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      // Murmur2, as the Java client: the same key lands on the same partition from any client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
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
    if (messages.length === 0) return;
    const encoded = messages.map((message) => {
      const check = checkContract(schema, message.value);
      if (!check.ok) throw new ContractViolationError(`refusing to publish to ${topic}: ${check.error}`);
      return { key: message.key, value: JSON.stringify(check.value), headers: message.headers as IHeaders | undefined };
    });
    await this.producer.send({ topic, acks: -1, messages: encoded });
  }

  /**
   * Sends records for several topics in one request per broker (acks=all), each checked
   * against its contract first; none is sent when one fails its contract. Order is kept per
   * topic (and so per key).
   */
  async publishAll(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, Array<{ key: string; value: string | null; headers?: IHeaders }>>();
    for (const record of records) {
      let value: string | null = null;
      if (record.schema) {
        const check = checkContract(record.schema, record.value);
        if (!check.ok) throw new ContractViolationError(`refusing to publish to ${record.topic}: ${check.error}`);
        value = JSON.stringify(check.value);
      }
      const list = byTopic.get(record.topic) ?? [];
      list.push({ key: record.key, value, headers: record.headers as IHeaders | undefined });
      byTopic.set(record.topic, list);
    }
    await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
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
    await this.producer.send({ topic, acks: -1, messages: messages.map(({ key, value, headers }) => ({ key, value, headers })) });
  }

  /** Parks a message that cannot be processed, with the reason; never throws for a bad original. */
  async publishDeadLetter(topic: string, letter: Omit<DeadLetterV1, 'schemaVersion' | 'failedAt'>): Promise<void> {
    this.logger.warn({ msg: 'dead-lettered', topic, reason: letter.reason, stage: letter.stage, deliveryId: letter.deliveryId });
    await this.publishAll([deadLetterRecord(topic, letter)]);
  }
}
