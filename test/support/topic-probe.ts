import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { eventually } from './service-harness';

export interface ProbedMessage {
  key: string | null;
  raw: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
  json<T = Record<string, unknown>>(): T;
}

/** Reads a real topic from its beginning with its own consumer group, collecting every message. */
export class TopicProbe {
  readonly messages: ProbedMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(brokers: string, topic: string): Promise<TopicProbe> {
    const kafka = new Kafka({ clientId: 'test-probe', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `probe-${randomUUID()}` });
    const probe = new TopicProbe(consumer);
    await consumer.connect();
    // A topic created a moment ago may not be in every metadata response yet.
    await eventually(async () => {
      await consumer.subscribe({ topic, fromBeginning: true });
      return true;
    }, 15000, 200);
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const raw = message.value ? message.value.toString('utf8') : null;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value) headers[name] = value.toString();
        probe.messages.push({
          key: message.key ? message.key.toString('utf8') : null,
          raw,
          headers,
          partition,
          offset: message.offset,
          json: <T>() => JSON.parse(raw ?? 'null') as T,
        });
      },
    });
    return probe;
  }

  /** Waits for at least `count` messages matching `predicate` and returns them. */
  async waitFor(predicate: (message: ProbedMessage) => boolean, count = 1, timeoutMs = 20000): Promise<ProbedMessage[]> {
    return eventually(async () => {
      const found = this.messages.filter(predicate);
      return found.length >= count ? found : undefined;
    }, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
