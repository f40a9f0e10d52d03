import { Kafka, logLevel } from 'kafkajs';
import { isolatedEnv } from '../../../test/support/service-harness';
import { KafkaBatchServer, PartitionBatch } from './batch-consumer.server';
import { KafkaSettings } from './kafka-options';

const SESSION_MS = 6000;

// A batch may take longer than the consumer's session (a slow engine, a busy machine). The member
// must keep its partitions meanwhile; otherwise the batch is fetched again by the next member
// (here: itself, rejoining), which may run as long and lose them again.
describe('KafkaBatchServer on a real broker', () => {
  let server: KafkaBatchServer | undefined;
  afterAll(async () => server?.close());

  it('hands a large fetch over in slices and keeps the session through a slice that outlasts it, handling every message once', async () => {
    const env = isolatedEnv('batch_server');
    const settings: KafkaSettings = {
      KAFKA_BROKERS: env.KAFKA_BROKERS.split(','),
      KAFKA_CLIENT_ID: 'test',
      KAFKA_TOPIC_PREFIX: env.KAFKA_TOPIC_PREFIX,
      KAFKA_TOPIC_PARTITIONS: 1,
      KAFKA_REPLICATION_FACTOR: 1,
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: SESSION_MS,
    };
    const topic = `${env.KAFKA_TOPIC_PREFIX}slices`;
    const kafka = new Kafka({ clientId: 'test-producer', brokers: settings.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: String(i) })) });
    await producer.disconnect();

    const slices: string[][] = [];
    let slow = true;
    let joins = 0;
    const done = new Promise<void>((resolve) => {
      server = new KafkaBatchServer(settings, {
        groupId: 'slices',
        clientIdSuffix: 'slices',
        topics: [topic],
        partitionsConsumedConcurrently: 1,
        maxBatchMessages: 10,
        handleBatch: async (batch: PartitionBatch) => {
          slices.push(batch.messages.map((m) => m.value!.toString()));
          if (slow) {
            slow = false;
            await new Promise((r) => setTimeout(r, SESSION_MS * 1.5));
          }
          if (slices.flat().length >= 25) resolve();
        },
        onAssignment: () => (joins += 1),
        onFatal: (error) => {
          throw error;
        },
      });
      void server.listen(() => undefined);
    });
    await done;
    // Long enough for a lost session to show as a rejoin and a replay.
    await new Promise((r) => setTimeout(r, SESSION_MS));

    expect(slices.every((slice) => slice.length <= 10)).toBe(true);
    expect(slices.flat()).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(joins).toBe(1);
  }, 90000);

  it('gives up, rather than heartbeating on, when a batch never settles', async () => {
    await server?.close();
    const env = isolatedEnv('batch_stall');
    const settings: KafkaSettings = {
      KAFKA_BROKERS: env.KAFKA_BROKERS.split(','),
      KAFKA_CLIENT_ID: 'test',
      KAFKA_TOPIC_PREFIX: env.KAFKA_TOPIC_PREFIX,
      KAFKA_TOPIC_PARTITIONS: 1,
      KAFKA_REPLICATION_FACTOR: 1,
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: SESSION_MS,
    };
    const topic = `${env.KAFKA_TOPIC_PREFIX}stall`;
    const kafka = new Kafka({ clientId: 'test-producer', brokers: settings.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v' }] });
    await producer.disconnect();

    let calls = 0;
    const started = Date.now();
    const fatal = await new Promise<Error>((resolve) => {
      const stalling = new KafkaBatchServer(settings, {
        groupId: 'stall',
        clientIdSuffix: 'stall',
        topics: [topic],
        partitionsConsumedConcurrently: 1,
        stallTimeoutMs: 3000,
        // The first attempt never ends (an engine call never answered); a later one would.
        handleBatch: () => (calls++ === 0 ? new Promise<void>(() => undefined) : Promise.resolve()),
        onFatal: resolve,
      });
      server = stalling;
      void stalling.listen(() => undefined);
    });

    expect(fatal.message).toMatch(/did not settle within 3000 ms/);
    expect(Date.now() - started).toBeLessThan(30000);
    expect(server!.failure).toMatch(/did not settle/);
  }, 60000);
});
