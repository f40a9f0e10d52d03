import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { GithubAppPipeline, startGithubAppPipeline } from '../support/github-app-pipeline';
import { catalogReader } from '../support/catalog-reader';
import { TopicProbe } from '../support/topic-probe';
import { componentFile } from '../factories/catalog-files';

// Deliveries as large as GitHub sends them (up to 25 MB: large pushes, big organisation events),
// signed, through ingestion → Kafka → catalog → query, against the GitHub stand-in.

const SECRET = 'large-deliveries-secret';
const ORG = 'acme';
const MIB = 1024 * 1024;
const SIZE = 20 * MIB;
const REPLAY_CLI = join(__dirname, '../../dist/tools/dlq-replay/src/main.js');

type PushPayload = { commits: Array<Record<string, unknown>>; head_commit?: unknown };

/**
 * A real push payload padded to `bytes` of JSON with earlier commits of the same push, each listing
 * paths it modified, as a large monorepo push does (fewer than GitHub's 2048 listed commits, so the
 * lists are trusted). Commit ids and the hex in every path are random, so the body compresses only
 * about as well as a real one (about half), not to nothing.
 */
function paddedPush(payload: PushPayload, bytes: number): string {
  const head = payload.commits[0];
  const base = JSON.stringify(payload).length;
  const commits = 1800;
  const perCommit = Math.floor((bytes - base) / commits);
  const padding: Array<Record<string, unknown>> = [];
  for (let i = 0; i < commits; i++) {
    const id = randomBytes(20).toString('hex');
    const commit = { ...head, id, tree_id: randomBytes(20).toString('hex'), message: `chore: regenerate module ${i}`, added: [] as string[], removed: [] as string[], modified: [] as string[] };
    let size = JSON.stringify(commit).length;
    while (size < perCommit) {
      const path = `services/module-${i}/generated/${randomBytes(24).toString('hex')}.ts`;
      commit.modified.push(path);
      size += path.length + 3;
    }
    padding.push(commit);
  }
  // The head commit (the one touching catalog-info.yaml) comes last, as GitHub lists them oldest first.
  const body = JSON.stringify({ ...payload, commits: [...padding, head] });
  // The last few bytes (less than a path per commit) as a field GitHub does not send and ingestion ignores.
  return body.length >= bytes ? body : `${body.slice(0, -1)},"padding":"${'x'.repeat(bytes - body.length - 14)}"}`;
}

describe('large deliveries (20 MiB, real Kafka and FerretDB, GitHub stand-in)', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let pipeline: GithubAppPipeline;
  let entityEvents: TopicProbe;
  let deliveries: TopicProbe;
  let deadLetters: TopicProbe;
  let webhookUrl: string;

  // Topics as a cluster from before the limit was raised holds them: Kafka's default limit (1 MiB).
  const prefix = `t.large_${process.pid}_${Date.now().toString(36)}.`;
  const deliveriesTopic = `${prefix}callboard.github.deliveries.v1`;
  const oldTopics = [deliveriesTopic, `${deliveriesTopic}.dlq`, `${deliveriesTopic}.retry`];
  const kafka = new Kafka({ clientId: 'large-deliveries-test', brokers: (process.env.CALLBOARD_TEST_KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING });
  const topicConfig = async (topic: string) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: oldTopics.map((topic) => ({ topic, numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: '1048588' }, { name: 'retention.ms', value: '604800000' }] })),
    });
    await admin.disconnect();
    pipeline = await startGithubAppPipeline(github, { label: 'large_deliveries', org: ORG, secret: SECRET, env: { KAFKA_TOPIC_PREFIX: prefix } });
    const { env } = pipeline;
    webhookUrl = `${pipeline.ingestion.url}/webhooks/github`;
    entityEvents = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
    deliveries = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1`);
    deadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([entityEvents?.stop(), deliveries?.stop(), deadLetters?.stop()]);
    await pipeline?.close();
  });

  const { served } = catalogReader(() => pipeline.query.url);
  const send = async (payload: string, deliveryId?: string) => {
    const started = Date.now();
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload, deliveryId, timeoutMs: 60_000 });
    process.stdout.write(`webhook answered ${response.status} after ${Date.now() - started} ms to a ${payload.length}-byte delivery\n`);
    return response;
  };

  it('accepts a signed 20 MiB push, serves the change it announces, and processes it once', async () => {
    pipeline.createRepository('big-monorepo');
    const commit = github.commit(`${ORG}/big-monorepo`, { files: { 'catalog-info.yaml': componentFile('big-monorepo-service') } });
    const body = paddedPush(commit.payload as unknown as PushPayload, SIZE);
    expect(body.length).toBeGreaterThanOrEqual(SIZE);

    const response = await send(body);
    expect({ status: response.status, body: response.body }).toEqual({ status: 202, body: expect.stringContaining('accepted') });
    const entity = await served('component', 'big-monorepo-service');
    expect(entity.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:https://github.com/${ORG}/big-monorepo/blob/main/catalog-info.yaml`);

    // Recorded once, whole; and GitHub's redelivery of it (same id) is accepted and skipped.
    const [recorded] = await deliveries.waitFor((m) => m.headers['x-github-delivery'] === response.deliveryId, 1, 60_000);
    expect(recorded.json<{ payload: { commits: unknown[] } }>().payload.commits).toHaveLength(1801);
    const redelivery = await send(body, response.deliveryId);
    expect(redelivery.status).toBe(202);
    await deliveries.waitFor((m) => m.headers['x-github-delivery'] === response.deliveryId, 2, 60_000);
    // A later push of the same repository (same key, so handled after the redelivery) shows it was handled, and skipped.
    const later = github.commit(`${ORG}/big-monorepo`, { files: { 'catalog-info.yaml': componentFile('big-monorepo-service', { description: 'later' }) } });
    const laterResponse = await send(JSON.stringify(later.payload));
    expect(laterResponse.status).toBe(202);
    await served('component', 'big-monorepo-service', (e) => e.metadata.description === 'later');
    const events = entityEvents.messages.filter((m) => m.key === 'component:default/big-monorepo-service');
    expect(events.map((m) => m.json<{ source: { deliveryId: string } }>().source.deliveryId)).toEqual([response.deliveryId, laterResponse.deliveryId]);

    // The topic's limit was raised at start-up; what else it was configured with stays.
    expect(await topicConfig(deliveriesTopic)).toMatchObject({ 'max.message.bytes': String(32 * MIB), 'retention.ms': '604800000' });
  }, 240_000);

  it('accepts a 25 MiB body that does not compress, parks it whole when it cannot be processed, and replays it', async () => {
    // A repository of the organisation the App's installation does not cover (yet): the delivery cannot succeed.
    github.createRepository(`${ORG}/uncovered`);
    const commit = github.commit(`${ORG}/uncovered`, { files: { 'catalog-info.yaml': componentFile('uncovered-service') } });
    const payload = commit.payload as unknown as Record<string, unknown>;
    expect(payload.installation).toBeUndefined();
    const base = JSON.stringify(payload).length + ',"padding":""'.length;
    // Random base64: gzip saves a quarter at most, so the record is larger than 16 MiB on the wire.
    const body = JSON.stringify({ ...payload, padding: randomBytes(Math.floor(((25 * MIB - base - 64) * 3) / 4)).toString('base64') });
    expect(body.length).toBeGreaterThan(25 * MIB - 128);
    expect(body.length).toBeLessThanOrEqual(25 * MIB);
    const response = await send(body);
    expect({ status: response.status, body: response.body }).toEqual({ status: 202, body: expect.stringContaining('accepted') });
    const [letter] = await deadLetters.waitFor((m) => m.json<{ deliveryId?: string }>().deliveryId === response.deliveryId, 1, 90_000);
    const parked = letter.json<{ reason: string; original: { value: string } }>();
    expect(parked.reason).toMatch(/not installed/i);
    expect(JSON.parse(parked.original.value)).toMatchObject({ deliveryId: response.deliveryId, payload: JSON.parse(body) });

    // Once the installation covers the repository, the parked delivery goes back, whole, and is processed.
    github.addInstallationRepositories(pipeline.installationId, [`${ORG}/uncovered`]);
    const { stdout } = await promisify(execFile)(process.execPath, [REPLAY_CLI, '--topic', 'callboard.github.deliveries.v1', '--delivery', response.deliveryId, '--json'], {
      env: { ...process.env, ...pipeline.env, LOG_LEVEL: 'warn' },
      maxBuffer: 16 * MIB,
    });
    expect(JSON.parse(stdout)).toMatchObject({ dryRun: false, replayed: [{ deliveryId: response.deliveryId }], skipped: [] });
    await served('component', 'uncovered-service');
  }, 240_000);

  it('answers a body over WEBHOOK_BODY_LIMIT_BYTES with 413 and says why', async () => {
    const response = await send(`{"padding":"${'x'.repeat(25 * MIB)}"}`);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ statusCode: 413, message: `body larger than ${25 * MIB} bytes` });
  }, 120_000);
});
