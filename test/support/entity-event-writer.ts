import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { EntityEventV1, TOPICS } from '@callboard/contracts';

/** A raw message for the entity-event topic, for poison-message tests. */
export interface RawMessage {
  key: string;
  raw: string;
}

/** Writes to an isolated test environment's entity-event topic as a source would (keyed by ref, acks=all). */
export class EntityEventWriter {
  private constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  static async connect(env: Record<string, string>): Promise<EntityEventWriter> {
    const kafka = new Kafka({ clientId: 'test-writer', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    return new EntityEventWriter(producer, `${env.KAFKA_TOPIC_PREFIX}${TOPICS.entityEvents}`);
  }

  async send(...events: Array<EntityEventV1 | RawMessage>): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((e) => ('raw' in e ? { key: e.key, value: e.raw } : { key: e.entityRef, value: JSON.stringify(e) })),
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
