import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { isolatedEnv } from '../../../test/support/service-harness';
import { EventPublisher } from './event-publisher';

const schema = z.object({ key: z.string(), seq: z.number() });

describe('EventPublisher sending concurrent calls together', () => {
  it('sends many concurrent calls, each resolved once its records are acknowledged, every key in call order', async () => {
    const env = isolatedEnv('publisher');
    const topic = `${env.KAFKA_TOPIC_PREFIX}published`;
    const kafka = new Kafka({ clientId: 'publisher-test', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const calls = 400;
    try {
      // As concurrent webhooks do: each call waits for its own acknowledgement.
      const sends = Array.from({ length: calls }, (_, i) => {
        const key = keys[i % keys.length];
        return publisher.publish(topic, schema, [{ key, value: { key, seq: i } }]);
      });
      // A call whose record fails its contract fails alone; the others still go out.
      const refused = publisher.publish(topic, schema, [{ key: 'a', value: { key: 'a', seq: 'x' } as unknown as z.infer<typeof schema> }]);
      await expect(refused).rejects.toThrow(/refusing to publish/);
      await Promise.all(sends);
    } finally {
      await publisher.disconnect();
    }

    const consumer = kafka.consumer({ groupId: `${env.KAFKA_TOPIC_PREFIX}reader`, maxWaitTimeInMs: 200 });
    const seen = new Map<string, number[]>();
    let count = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const { key, seq } = JSON.parse(message.value!.toString()) as z.infer<typeof schema>;
          seen.set(key, [...(seen.get(key) ?? []), seq]);
          if (++count === calls) resolve();
        },
      });
    });
    await Promise.race([all, new Promise((r) => setTimeout(r, 30000))]);
    await consumer.disconnect();
    expect(count).toBe(calls);
    for (const [index, key] of keys.entries()) {
      const expected = Array.from({ length: calls / keys.length }, (_, i) => i * keys.length + index);
      expect(seen.get(key)).toEqual(expected);
    }
  });
});
