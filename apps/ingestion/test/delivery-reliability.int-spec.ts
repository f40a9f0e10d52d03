import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import type { ReplayReport } from '@callboard/kafka';
import { catalogService } from '../../catalog/src/catalog.service';
import { queryService } from '../../query/src/query.service';
import { ProcessedDeliveriesPruner } from '../src/deliveries/processed-deliveries.pruner';
import { ProcessedDeliveriesRepository } from '../src/deliveries/processed-deliveries.repository';
import { ingestionService } from '../src/ingestion.service';
import { eventually, isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { groupFile } from '../../../test/factories/catalog-files';

const SECRET = 'reliability-secret';
const TOKEN = 'ghs_reliability';
const MAX_ATTEMPTS = 3;
const DAY_MS = 24 * 3600 * 1000;
const REPLAY_CLI = join(__dirname, '../../../dist/tools/dlq-replay/src/main.js');

const group = (name: string, description = name) => groupFile(name, { description });

interface DeadLetter {
  reason: string;
  stage: string;
  deliveryId?: string;
  original: { topic: string; key: string | null; value: string | null; headers?: Record<string, string> };
  details?: Record<string, unknown>;
}

interface ServedEntity {
  metadata: { name: string; description?: string; etag: string; uid: string };
}

/** Runs the built `npm run dlq:replay` command against this test's topics. */
async function replayCommand(env: Record<string, string>, args: string[]): Promise<ReplayReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [REPLAY_CLI, ...args, '--json'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' } });
  return JSON.parse(stdout) as ReplayReport;
}

describe('nothing lost, nothing doubled (ingestion, catalog and query services, GitHub stand-in)', () => {
  const github = new GitHubStandIn({ token: TOKEN });
  let env: Record<string, string>;
  let ingestion: RunningService;
  let catalog: RunningService;
  let query: RunningService;
  let deliveries: TopicProbe;
  let entityEvents: TopicProbe;
  let deadLetters: TopicProbe;
  let webhookUrl: string;

  beforeAll(async () => {
    const apiUrl = await github.start();
    env = {
      ...isolatedEnv('reliability'),
      // One partition: a delivery processed after a parked one proves the partition moved on.
      KAFKA_TOPIC_PARTITIONS: '1',
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: apiUrl,
      GITHUB_TOKEN: TOKEN,
      // Octokit retries once inside each attempt, so a 500 has to outlast that to fail an attempt.
      GITHUB_MAX_RETRIES: '1',
      INGESTION_DELIVERY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      // Off: here a parked delivery must wait for the replay command (delivery-repair.int-spec.ts has it on).
      INGESTION_REPAIR_INTERVAL_MS: '0',
    };
    ingestion = await startService(ingestionService, env);
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    webhookUrl = `${ingestion.url}/webhooks/github`;
    deliveries = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1`);
    entityEvents = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
    deadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  });

  afterAll(async () => {
    await Promise.all([deliveries?.stop(), entityEvents?.stop(), deadLetters?.stop()]);
    await ingestion?.close();
    await query?.close();
    await catalog?.close();
    await github.stop();
  });

  const getJson = async <T>(path: string): Promise<T | undefined> => {
    const response = await fetch(`${query.url}/api/catalog${path}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const served = (name: string) => getJson<ServedEntity>(`/entities/by-name/group/default/${name}`);
  const history = async (name: string) => (await getJson<{ items: Array<{ id: string; etag: string }> }>(`/entities/by-name/group/default/${name}/history?limit=100`))?.items ?? [];
  /** Waits until the query API serves the group with this description. */
  const servedWith = (name: string, description: string) => eventually(async () => ((await served(name))?.metadata.description === description ? served(name) : undefined), 30000);
  const push = async (repository: string, files: Record<string, string | null>, deliveryId?: string) => {
    const commit = github.commit(repository, { files });
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: commit.payload, deliveryId });
    expect(response.status).toBe(202);
    return { commit, deliveryId: response.deliveryId };
  };
  const contentReads = (repository: string, ref: string) => github.requests.filter((r) => r.path === `/repos/${repository}/contents/catalog-info.yaml` && r.query.ref === ref);

  it("retries a delivery whose GitHub reads failed, from the retry topic, and the change arrives", async () => {
    github.createRepository('acme/flaky');
    github.commit('acme/flaky', { files: { 'catalog-info.yaml': group('flaky-team', 'before') } });
    // Four failures: the first attempts at the delivery fail (a delivery is not retried inline by Octokit).
    github.failNext(/^\/repos\/acme\/flaky\//, 4, 500);
    const { commit } = await push('acme/flaky', { 'catalog-info.yaml': group('flaky-team', 'after the outage') });

    await servedWith('flaky-team', 'after the outage');
    // A read (of the file before or after the push; they run side by side, in no fixed order)
    // failed twice, failing the attempts it was part of. Its success came from a later attempt,
    // the retry of the delivery from the retry topic.
    const statuses = [commit.before, commit.after].map((ref) => contentReads('acme/flaky', ref).map((r) => r.status));
    expect(statuses.some((s) => s[0] === 500 && s[1] === 500 && s.at(-1) === 200)).toBe(true);
    expect(statuses.flat().filter((status) => status === 500)).toHaveLength(4);
  });

  it('parks a delivery GitHub keeps failing in the dead-letter topic with the reason, moves on, and the replay command brings the change in', async () => {
    github.createRepository('acme/parked');
    github.commit('acme/parked', { files: { 'catalog-info.yaml': group('parked-team', 'first') } });
    github.failNext(/^\/repos\/acme\/parked\//, 10_000, 500);
    const parked = await push('acme/parked', { 'catalog-info.yaml': group('parked-team', 'parked change') });

    const [letter] = await deadLetters.waitFor((m) => m.json<DeadLetter>().deliveryId === parked.deliveryId, 1, 60000);
    const parkedLetter = letter.json<DeadLetter>();
    expect(parkedLetter).toMatchObject({
      stage: 'ingestion.delivery',
      reason: expect.stringMatching(new RegExp(`^gave up after ${MAX_ATTEMPTS} attempts: `)),
      details: { attempts: MAX_ATTEMPTS, status: 500 },
      original: { topic: `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1`, key: `repo:${parked.commit.payload.repository.id}`, headers: { 'x-github-delivery': parked.deliveryId } },
    });
    expect(JSON.parse(parkedLetter.original.value!)).toMatchObject({ deliveryId: parked.deliveryId, event: 'push' });

    // The only partition moved on: a later delivery is processed while GitHub still fails for acme/parked.
    github.createRepository('acme/later');
    await push('acme/later', { 'catalog-info.yaml': group('later-team', 'after the parked one') });
    await servedWith('later-team', 'after the parked one');
    expect(await served('parked-team')).toBeUndefined();
    // Exactly the bound: MAX_ATTEMPTS attempts, each reading the pushed file once (a delivery's
    // retries are its attempts, not Octokit's inline retries, which would hold up its partition).
    expect(contentReads('acme/parked', parked.commit.after).map((r) => r.status)).toEqual(Array(MAX_ATTEMPTS).fill(500));

    // A dry run reports the delivery and publishes nothing.
    github.clearFaults();
    const dryRun = await replayCommand(env, ['--topic', 'callboard.github.deliveries.v1', '--delivery', parked.deliveryId, '--dry-run']);
    expect(dryRun).toMatchObject({ dryRun: true, replayed: [{ deliveryId: parked.deliveryId, key: `repo:${parked.commit.payload.repository.id}` }], skipped: [] });

    const report = await replayCommand(env, ['--topic', 'callboard.github.deliveries.v1', '--delivery', parked.deliveryId]);
    expect(report).toMatchObject({ dryRun: false, replayed: [{ deliveryId: parked.deliveryId, reason: parkedLetter.reason }], skipped: [] });
    await servedWith('parked-team', 'parked change');

    // One replayed copy (the dry run sent none), carrying the original bytes and headers.
    const copies = deliveries.messages.filter((m) => m.json<{ deliveryId: string }>().deliveryId === parked.deliveryId);
    expect(copies).toHaveLength(2);
    expect(copies[1].raw).toBe(parkedLetter.original.value);
    expect(copies[1].headers).toMatchObject({ 'x-github-delivery': parked.deliveryId, 'x-callboard-replayed-from': expect.stringMatching(/\.dlq\/\d+\/\d+$/) });
  });

  it("lists an invalid document's dead letter in a dry run with its reason, file, document and commit, as one a replay cannot fix", async () => {
    github.createRepository('acme/broken-doc');
    const invalid = 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: "bad name!"\nspec:\n  type: team\n  children: []\n';
    const { commit, deliveryId } = await push('acme/broken-doc', { 'catalog-info.yaml': `${group('broken-doc-team', 'valid')}---\n${invalid}` });
    await servedWith('broken-doc-team', 'valid');

    const args = ['--topic', 'callboard.entity-events.v1', '--delivery', deliveryId, '--dry-run'];
    const dryRun = await eventually(async () => {
      const report = await replayCommand(env, args);
      return report.skipped.length > 0 ? report : undefined;
    }, 30000);
    expect(dryRun).toMatchObject({
      dryRun: true,
      replayed: [],
      skipped: [
        {
          deliveryId,
          stage: 'ingestion.catalog-file',
          reason: expect.stringMatching(/^acme\/broken-doc\/catalog-info.yaml: metadata.name "bad name!" is not a valid name.*document 2, line \d+/),
          details: { repository: 'acme/broken-doc', path: 'catalog-info.yaml', documentIndex: 1, commitSha: commit.after },
          why: expect.stringMatching(/^cannot be replayed: the document in the file is invalid.*fix the file and push/),
        },
      ],
    });
    expect(dryRun.skipped[0].why).not.toMatch(/no original message/);

    // As an operator reads it: the letter, why it was parked, where, and why a replay cannot help.
    const { stdout } = await promisify(execFile)(process.execPath, [REPLAY_CLI, ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' } });
    expect(stdout).toContain(`delivery ${deliveryId}\n  parked `);
    expect(stdout).toContain(`at ingestion.catalog-file: ${dryRun.skipped[0].reason}\n`);
    expect(stdout).toMatch(new RegExp(`  file acme/broken-doc/catalog-info.yaml, document index 1 \\(counted from 0\\), commit ${commit.after}, line \\d+, field metadata.name, problem invalid-name\n`));
    expect(stdout).toContain(`  ${dryRun.skipped[0].why}\n`);
    expect(stdout).toMatch(/dry run: 0 would replay to \S+callboard\.entity-events\.v1, 1 skipped, \d+ not selected/);
  });

  it('changes nothing for a redelivered push (same X-GitHub-Delivery): same etag, same history, GitHub not read again', async () => {
    github.createRepository('acme/redelivered');
    github.commit('acme/redelivered', { files: { 'catalog-info.yaml': group('redelivered-team', 'v1') } });
    const first = await push('acme/redelivered', { 'catalog-info.yaml': group('redelivered-team', 'v2') });
    const before = await servedWith('redelivered-team', 'v2');
    const historyBefore = await history('redelivered-team');
    const readsBefore = contentReads('acme/redelivered', first.commit.after).length;
    const eventsBefore = entityEvents.messages.filter((m) => m.json<{ source: { deliveryId: string } }>().source.deliveryId === first.deliveryId).length;
    expect(eventsBefore).toBeGreaterThan(0);

    // GitHub's "Redeliver": the same body under the same delivery id.
    const again = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: first.commit.payload, deliveryId: first.deliveryId });
    expect(again.status).toBe(202);
    // One partition: once a later delivery is served, the redelivery was consumed.
    github.createRepository('acme/marker');
    await push('acme/marker', { 'catalog-info.yaml': group('marker-team', 'marker') });
    await servedWith('marker-team', 'marker');
    expect(deliveries.messages.filter((m) => m.json<{ deliveryId: string }>().deliveryId === first.deliveryId)).toHaveLength(2);

    expect(contentReads('acme/redelivered', first.commit.after)).toHaveLength(readsBefore);
    expect(entityEvents.messages.filter((m) => m.json<{ source: { deliveryId: string } }>().source.deliveryId === first.deliveryId)).toHaveLength(eventsBefore);
    const after = await served('redelivered-team');
    expect(after?.metadata).toEqual(before?.metadata);
    expect(await history('redelivered-team')).toEqual(historyBefore);
  });

  it('remembers processed delivery ids at least the retention, forgets them after twice it, and prunes by dropping whole generations', async () => {
    const repository = ingestion.app.get(ProcessedDeliveriesRepository);
    const now = new Date();
    // The default retention: 8 days.
    await repository.markProcessed('forgotten-17-days-old', 'push', new Date(now.getTime() - 17 * DAY_MS));
    await repository.markProcessed('kept-7-days-old', 'push', new Date(now.getTime() - 7 * DAY_MS));
    await repository.markProcessed('kept-fresh', 'ping', now);

    expect(await ingestion.app.get(ProcessedDeliveriesPruner).prune(now)).toBeGreaterThanOrEqual(1);
    expect(await repository.isProcessed('forgotten-17-days-old', now)).toBe(false);
    expect(await repository.isProcessed('kept-7-days-old', now)).toBe(true);
    expect(await repository.isProcessed('kept-fresh', now)).toBe(true);
    const processedEarlier = deliveries.messages.find((m) => m.headers['x-github-event'] === 'push')!.json<{ deliveryId: string }>().deliveryId;
    expect(await repository.isProcessed(processedEarlier)).toBe(true);
    // Nothing older than the previous generation is left to scan or drop.
    expect(await ingestion.app.get(ProcessedDeliveriesPruner).prune(now)).toBe(0);
  });
});

describe('a suspended GitHub App installation (token exchange refused)', () => {
  const github = new GitHubStandIn();
  let env: Record<string, string>;
  let ingestion: RunningService;
  let deadLetters: TopicProbe;
  let entityEvents: TopicProbe;

  beforeAll(async () => {
    const apiUrl = await github.start();
    const app = github.createApp({ name: 'Callboard' });
    github.createRepository('acme/suspended');
    github.commit('acme/suspended', { files: { 'catalog-info.yaml': group('suspended-team', 'before') } });
    const installationId = github.createInstallation(app.id, 'acme', 'all');
    github.suspendInstallation(installationId);
    env = {
      ...isolatedEnv('reliability_app'),
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_API_URL: apiUrl,
      GITHUB_APP_ID: String(app.id),
      GITHUB_APP_PRIVATE_KEY: app.privateKey,
      GITHUB_MAX_RETRIES: '0',
      INGESTION_DELIVERY_MAX_ATTEMPTS: '2',
    };
    ingestion = await startService(ingestionService, env);
    deadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
    entityEvents = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
  });

  afterAll(async () => {
    await Promise.all([deadLetters?.stop(), entityEvents?.stop()]);
    await ingestion?.close();
    await github.stop();
  });

  it('parks the delivery with the refusal as the reason instead of retrying forever, and replays it once the installation is back', async () => {
    const commit = github.commit('acme/suspended', { files: { 'catalog-info.yaml': group('suspended-team') } });
    const response = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: commit.payload });
    expect(response.status).toBe(202);
    const [letter] = await deadLetters.waitFor((m) => m.json<DeadLetter>().deliveryId === response.deliveryId, 1, 60000);
    expect(letter.json<DeadLetter>()).toMatchObject({
      reason: expect.stringMatching(/^gave up after 2 attempts: .*suspended/),
      details: { attempts: 2, status: 403 },
    });
    // Each attempt asks for a token (once per concurrent read at most) and is refused; then no more.
    const exchanges = github.requests.filter((r) => r.method === 'POST' && /\/app\/installations\/\d+\/access_tokens$/.test(r.path));
    expect(new Set(exchanges.map((r) => r.status))).toEqual(new Set([403]));
    expect(exchanges.length).toBeGreaterThanOrEqual(2);
    expect(exchanges.length).toBeLessThanOrEqual(4);

    github.unsuspendInstallation(commit.payload.installation!.id);
    const report = await replayCommand(env, ['--topic', 'callboard.github.deliveries.v1.dlq', '--since', new Date(Date.now() - 60000).toISOString()]);
    expect(report.replayed.map((r) => r.deliveryId)).toEqual([response.deliveryId]);
    await entityEvents.waitFor((m) => m.key === 'group:default/suspended-team');
  });
});
