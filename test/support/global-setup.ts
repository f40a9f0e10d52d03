import path from 'node:path';

interface StackApi {
  up(options: { profile: string }): Promise<{ kafkaBrokers: string; mongodbUri: string; started: { kafka: boolean; mongodb: boolean } }>;
  down(options: { profile: string }): Promise<void>;
}

export const repoRoot = path.resolve(__dirname, '../..');

export function loadStack(): StackApi {
  // The provisioning scripts are plain Node, shared with `npm run stack`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(repoRoot, 'scripts/stack')) as StackApi;
}

/**
 * Starts (or reuses) the test profile's real Kafka and FerretDB once for the whole run.
 * KAFKA_BROKERS / MONGODB_URI in the environment point the tests at external servers instead.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const stack = await loadStack().up({ profile: 'test' });
  process.env.CALLBOARD_TEST_KAFKA_BROKERS = stack.kafkaBrokers;
  process.env.CALLBOARD_TEST_MONGODB_URI = stack.mongodbUri;
  (globalThis as { __callboardStackStarted?: boolean }).__callboardStackStarted = stack.started.kafka || stack.started.mongodb;
  process.stdout.write(`\ntest stack ready in ${Date.now() - started} ms: kafka ${stack.kafkaBrokers}, mongodb ${stack.mongodbUri}\n`);
}
