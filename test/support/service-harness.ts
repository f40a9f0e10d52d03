import type { KafkaSettings } from '@callboard/kafka';
import type { INestApplication } from '@nestjs/common';
import { createServiceApp, ServiceDefinition } from '@callboard/observability';

let counter = 0;

/**
 * Environment for one isolated test: its own topic prefix (so consumer groups start from an
 * empty topic) and its own database, on the run's real Kafka and FerretDB.
 */
export function isolatedEnv(label: string): Record<string, string> {
  const brokers = process.env.CALLBOARD_TEST_KAFKA_BROKERS;
  const mongodbUri = process.env.CALLBOARD_TEST_MONGODB_URI;
  if (!brokers || !mongodbUri) throw new Error('test stack not provisioned: run through jest (global setup) or `npm test`');
  const id = `${label}_${process.pid}_${Date.now().toString(36)}_${++counter}`.replace(/[^A-Za-z0-9_]/g, '_');
  return {
    KAFKA_BROKERS: brokers,
    MONGODB_URI: mongodbUri,
    MONGODB_DATABASE: `t_${id}`.slice(0, 63),
    KAFKA_TOPIC_PREFIX: `t.${id}.`,
    KAFKA_TOPIC_PARTITIONS: '2',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
  };
}

/** Kafka settings for a test's own client of the test broker, under its isolatedEnv's topic prefix. */
export function kafkaSettingsOf(env: Record<string, string>, partitions: number): KafkaSettings {
  return {
    KAFKA_BROKERS: env.KAFKA_BROKERS.split(','),
    KAFKA_CLIENT_ID: 'test',
    KAFKA_TOPIC_PREFIX: env.KAFKA_TOPIC_PREFIX,
    KAFKA_TOPIC_PARTITIONS: partitions,
    KAFKA_REPLICATION_FACTOR: 1,
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: 6000,
  };
}

export interface RunningService {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Starts a service in-process exactly as its main.ts does, on a free port, configured by `env` over the process environment. */
export async function startService<C extends { HOST: string; PORT: number; SHUTDOWN_TIMEOUT_MS: number }>(
  definition: ServiceDefinition<C>,
  env: Record<string, string | undefined>,
): Promise<RunningService> {
  const { app } = await createServiceApp(definition, { configOverrides: env });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** Polls until `probe` returns a value (not undefined), or fails with the last error. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
