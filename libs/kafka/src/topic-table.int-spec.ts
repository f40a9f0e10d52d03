import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { TOPICS } from '@callboard/contracts';
import { isolatedEnv, kafkaSettingsOf } from '../../../test/support/service-harness';
import { TopicTable } from './topic-table';

const valueSchema = z.object({ version: z.number() });

describe('TopicTable on a real broker', () => {
  let table: TopicTable<typeof valueSchema> | undefined;
  afterAll(async () => table?.stop());

  it('loads a topic holding several versions of its keys as their latest values, each applied once, then follows it', async () => {
    const env = isolatedEnv('topic_table');
    const settings = kafkaSettingsOf(env, 2);
    const topic = `${env.KAFKA_TOPIC_PREFIX}${TOPICS.catalogEntities}`;
    const kafka = new Kafka({ clientId: 'test-producer', brokers: settings.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const put = (key: string, value: string | null) => ({ key, value });
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    // Three versions of every key, a deletion of ten, five of them put back, a broken record.
    for (const version of [1, 2, 3]) await producer.send({ topic, acks: -1, messages: keys.map((k) => put(k, JSON.stringify({ version }))) });
    await producer.send({ topic, acks: -1, messages: keys.slice(0, 10).map((k) => put(k, null)) });
    await producer.send({ topic, acks: -1, messages: [...keys.slice(0, 5).map((k) => put(k, JSON.stringify({ version: 4 }))), put('k50', 'not json')] });

    const held = new Map<string, number>();
    const applied: string[] = [];
    const invalid: string[] = [];
    table = new TopicTable(kafka, settings, {
      topic: TOPICS.catalogEntities,
      schema: valueSchema,
      purpose: 'topic-table-test',
      upsert: (key, value) => {
        applied.push(key);
        held.set(key, value.version);
      },
      remove: (key) => {
        applied.push(key);
        held.delete(key);
      },
      onInvalid: (error) => invalid.push(error),
    });
    await table.start();
    await table.whenLoaded;

    const expected = new Map<string, number>([...keys.slice(0, 5).map((k) => [k, 4] as const), ...keys.slice(10).map((k) => [k, 3] as const)]);
    expect(Object.fromEntries(held)).toEqual(Object.fromEntries(expected));
    expect(invalid).toEqual([expect.stringContaining('not JSON')]);
    // Loading costs one apply per key, whatever the number of versions the topic still holds.
    expect(applied.slice().sort()).toEqual(keys.slice().sort());

    await producer.send({ topic, acks: -1, messages: [put('k10', JSON.stringify({ version: 5 })), put('k11', null)] });
    await producer.disconnect();
    const deadline = Date.now() + 20000;
    while ((held.get('k10') !== 5 || held.has('k11')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(held.get('k10')).toBe(5);
    expect(held.has('k11')).toBe(false);
  });
});
