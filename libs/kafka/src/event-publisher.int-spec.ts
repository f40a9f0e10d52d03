import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { isolatedEnv, kafkaSettingsOf } from '../../../test/support/service-harness';
import { EventPublisher } from './event-publisher';
import { kafkaClientConfig } from './kafka-options';

const schema = z.object({ writer: z.number(), n: z.number() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What a webhook's 202 promises: a publish that resolved is in the topic. Here many senders share
// one publisher, as ingestion's webhook handlers do, and the broker answers some produce requests
// after the client stopped waiting (a request timeout far below the broker's latency): the broker
// appended them, the client counts them failed and sends again.
describe('EventPublisher with produce requests answered too late', () => {
  it('keeps every record of concurrent sends it acknowledged', async () => {
    const env = isolatedEnv('late_answers');
    const settings = kafkaSettingsOf(env, 1);
    const reliable = new Kafka({ ...kafkaClientConfig(settings, 'reader'), logLevel: logLevel.NOTHING, logCreator: undefined });
    const topic = `${env.KAFKA_TOPIC_PREFIX}late-answers`;
    const admin = reliable.admin();
    await admin.connect();
    // One partition: every sender's records share it, as a repository's deliveries share theirs.
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

    const impatient = new Kafka({ ...kafkaClientConfig(settings, 'writer'), requestTimeout: 4, logLevel: logLevel.NOTHING, logCreator: undefined });
    const publisher = new EventPublisher(impatient);
    // Metadata requests are held to the same deadline: connecting may take a few tries.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await publisher.connect();
        break;
      } catch (err) {
        if (attempt === 50) throw err;
      }
    }
    const acknowledged: string[] = [];
    let running = true;
    const writer = async (id: number) => {
      for (let n = 0; running; n += 1) {
        // A refused record is given up (as a webhook answered 503 is redelivered as a new attempt).
        await publisher
          .publish(topic, schema, [{ key: `w${id}`, value: { writer: id, n } }])
          .then(() => acknowledged.push(`${id}/${n}`))
          .catch(() => sleep(20));
      }
    };
    const writers = Array.from({ length: 16 }, (_, id) => writer(id));
    await sleep(8000);
    running = false;
    await Promise.all(writers);
    await publisher.disconnect().catch(() => undefined);

    const [{ high }] = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const stored = new Set<string>();
    const consumer = reliable.consumer({ groupId: `${topic}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      if (high === '0') resolve();
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value!.toString()) as z.infer<typeof schema>;
          stored.add(`${value.writer}/${value.n}`);
          if (BigInt(message.offset) >= BigInt(high) - 1n) resolve();
        },
      });
    });
    await consumer.disconnect();

    expect(acknowledged.length).toBeGreaterThan(50);
    expect(acknowledged.filter((record) => !stored.has(record))).toEqual([]);
  }, 120_000);
});
