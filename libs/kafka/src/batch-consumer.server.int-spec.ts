import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { isolatedEnv, kafkaSettingsOf } from '../../../test/support/service-harness';
import { KafkaBatchServer, PartitionBatch } from './batch-consumer.server';

// A batch may take longer than the consumer's session (a slow engine, a busy machine). The member
// must keep its partitions meanwhile; otherwise the batch is fetched again by the next member
// (here: itself, rejoining), which may run as long and lose them again.
describe('KafkaBatchServer on a real broker', () => {
  const servers: KafkaBatchServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('hands a large fetch over in slices and keeps the session through a slice that outlasts it, handling every message once', async () => {
    const env = isolatedEnv('batch_server');
    const settings = kafkaSettingsOf(env, 1);
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
      const server = new KafkaBatchServer(settings, {
        groupId: 'slices',
        clientIdSuffix: 'slices',
        topics: [topic],
        partitionsConsumedConcurrently: 1,
        maxBatchMessages: 10,
        handleBatch: async (batch: PartitionBatch) => {
          slices.push(batch.messages.map((m) => m.value!.toString()));
          if (slow) {
            slow = false;
            await new Promise((r) => setTimeout(r, settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS * 1.5));
          }
          if (slices.flat().length >= 25) resolve();
        },
        onAssignment: () => (joins += 1),
        onFatal: (error) => {
          throw error;
        },
      });
      servers.push(server);
      void server.listen(() => undefined);
    });
    await done;
    // Long enough for a lost session to show as a rejoin and a replay.
    await new Promise((r) => setTimeout(r, settings.KAFKA_CONSUMER_SESSION_TIMEOUT_MS));

    expect(slices.every((slice) => slice.length <= 10)).toBe(true);
    expect(slices.flat()).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(joins).toBe(1);
  }, 90000);

  it('bounds the bytes of a slice and of the slices of all partitions handled at once, large messages one at a time', async () => {
    const env = isolatedEnv('batch_server_bytes');
    const settings = kafkaSettingsOf(env, 2);
    const MIB = 1024 * 1024;
    const topic = `${env.KAFKA_TOPIC_PREFIX}large`;
    const kafka = new Kafka({ clientId: 'test-producer', brokers: settings.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'max.message.bytes', value: String(8 * MIB) }] }], waitForLeaders: true });
    await admin.disconnect();
    // On each partition: small messages with a large (2 MiB, incompressible) one every fourth.
    const sizes = Array.from({ length: 24 }, (_, i) => (i % 4 === 3 ? 2 * MIB : 1000));
    const producer = kafka.producer();
    await producer.connect();
    for (const partition of [0, 1]) {
      for (const [i, size] of sizes.entries()) await producer.send({ topic, acks: -1, messages: [{ partition, key: `p${partition}-${i}`, value: randomBytes(size / 2).toString('hex') }] });
    }
    await producer.disconnect();

    const slices: number[][] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const done = new Promise<void>((resolve) => {
      const bytesServer = new KafkaBatchServer(settings, {
        groupId: 'large',
        clientIdSuffix: 'large',
        topics: [topic],
        partitionsConsumedConcurrently: 2,
        // A fetch holds everything at once: the slices, not the fetch, bound what a handler gets.
        maxBytesPerPartition: 64 * MIB,
        maxBytes: 64 * MIB,
        maxBatchBytes: 1 * MIB,
        maxBytesInFlight: 3 * MIB,
        handleBatch: async (batch: PartitionBatch) => {
          const bytes = batch.messages.map((m) => m.value!.length);
          slices.push(bytes);
          inFlight += bytes.reduce((a, b) => a + b, 0);
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 50));
          inFlight -= bytes.reduce((a, b) => a + b, 0);
          if (slices.flat().length >= 48) resolve();
        },
        onFatal: (error) => {
          throw error;
        },
      });
      servers.push(bytesServer);
      void bytesServer.listen(() => undefined);
    });
    await done;

    expect(slices.flat()).toHaveLength(48);
    // A slice is one large message, or small ones up to the bound.
    for (const slice of slices) expect(slice.length === 1 || slice.reduce((a, b) => a + b, 0) <= MIB).toBe(true);
    // Two large messages (4 MiB) are never handled at once.
    expect(mostInFlight).toBeGreaterThan(0);
    expect(mostInFlight).toBeLessThanOrEqual(3 * MIB);
  }, 90000);

  it('gives up, rather than heartbeating on, when a batch never settles', async () => {
    const env = isolatedEnv('batch_stall');
    const settings = kafkaSettingsOf(env, 1);
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
      servers.push(stalling);
      void stalling.listen(() => undefined);
    });

    expect(fatal.message).toMatch(/did not settle within 3000 ms/);
    expect(Date.now() - started).toBeLessThan(30000);
    expect(servers[servers.length - 1].failure).toMatch(/did not settle/);
  }, 60000);
});
