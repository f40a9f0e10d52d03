import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitHubStandIn, sendWebhook, signWebhookBody } from '@callboard/github-stand-in';
import { ingestionService } from '../../apps/ingestion/src/ingestion.service';
import { componentFile } from '../factories/catalog-files';
import { freePort, repoRoot } from '../support/process-harness';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';

interface StackModule {
  up(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<{ kafkaBrokers: string }>;
  down(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<void>;
  status(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<{ kafka: { pid: number | null; running: boolean } }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.join(repoRoot, 'scripts/stack')) as StackModule;

const SECRET = 'kafka-stall-secret';
const ORG = 'acme';
const PUBLISH_TIMEOUT_MS = 2000;
// What a loaded 2-core machine may add to the timeout before the answer is out.
const ANSWER_MARGIN_MS = 1500;
const FROZEN_MS = 3 * PUBLISH_TIMEOUT_MS;

// A Kafka that stops answering without closing its connections (a stuck broker, a network
// partition): the webhook must answer GitHub before GitHub's 10 s are up, and what Kafka records
// late must not be processed twice when the delivery comes again. A broker of the test's own,
// frozen with SIGSTOP: freezing the shared one would stall the suites running beside this one.
describe('a webhook while Kafka does not acknowledge', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let stateDir: string;
  let stackEnv: NodeJS.ProcessEnv;
  let kafkaPid: number | undefined;
  let ingestion: RunningService;
  let installationId: number;

  beforeAll(async () => {
    stateDir = mkdtempSync(path.join(tmpdir(), 'callboard-stall-'));
    const { KAFKA_BROKERS: _external, ...env } = process.env;
    void _external;
    stackEnv = {
      ...env,
      CALLBOARD_STATE_DIR: stateDir,
      CALLBOARD_KAFKA_PORT: String(await freePort()),
      CALLBOARD_KAFKA_CONTROLLER_PORT: String(await freePort()),
      // Only Kafka is this test's own: the run's FerretDB is not frozen.
      MONGODB_URI: process.env.CALLBOARD_TEST_MONGODB_URI,
    };
    const { kafkaBrokers } = await stack.up({ profile: 'test', env: stackEnv });
    kafkaPid = (await stack.status({ profile: 'test', env: stackEnv })).kafka.pid ?? undefined;
    const apiUrl = await github.start();
    const app = github.createApp({ name: 'Callboard' });
    github.createRepository(`${ORG}/placeholder`);
    installationId = github.createInstallation(app.id, ORG, ['placeholder']);
    ingestion = await startService(ingestionService, {
      ...isolatedEnv('kafka_stall'),
      KAFKA_BROKERS: kafkaBrokers,
      GITHUB_API_URL: apiUrl,
      GITHUB_APP_ID: String(app.id),
      GITHUB_APP_PRIVATE_KEY: app.privateKey,
      GITHUB_WEBHOOK_SECRET: SECRET,
      WEBHOOK_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
    });
  }, 180_000);

  afterAll(async () => {
    if (kafkaPid) signal(kafkaPid, 'SIGCONT');
    await ingestion?.close();
    await github.stop();
    if (stateDir) {
      await stack.down({ profile: 'test', env: stackEnv });
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);

  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // already gone
    }
  };
  const post = async (deliveryId: string, payload: unknown) => {
    const body = JSON.stringify(payload);
    const started = Date.now();
    const response = await fetch(`${ingestion.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': deliveryId, 'X-Hub-Signature-256': signWebhookBody(SECRET, body) },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text(), ms: Date.now() - started };
  };
  const wholeReads = (fullName: string) => github.requests.filter((r) => r.path.startsWith(`/repos/${fullName}/git/trees/`) && r.query.recursive === '1');
  const contentReads = (fullName: string, ref: string) => github.requests.filter((r) => r.path === `/repos/${fullName}/contents/catalog-info.yaml` && r.query.ref === ref);

  it('answers 503 with Retry-After within the timeout, and a redelivery of a record that landed late is processed once', async () => {
    expect(kafkaPid).toBeDefined();
    const fullName = `${ORG}/stalled`;
    github.createRepository(fullName);
    github.addInstallationRepositories(installationId, [fullName]);
    // The branch's first push: processing it reads the whole repository, once per processing.
    const first = github.commit(fullName, { files: { 'catalog-info.yaml': componentFile('stalled-service') } });
    const deliveryId = `stall-${Date.now()}`;

    signal(kafkaPid!, 'SIGSTOP');
    // Frozen for a fixed time, whenever the webhook is answered.
    const thawed = new Promise<void>((resolve) =>
      setTimeout(() => {
        signal(kafkaPid!, 'SIGCONT');
        resolve();
      }, FROZEN_MS),
    );
    const answer = await post(deliveryId, first.payload);
    await thawed;
    expect(answer.status).toBe(503);
    expect(answer.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_MARGIN_MS);
    expect(answer.retryAfter).toMatch(/^\d+$/);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 503, message: expect.stringMatching(/did not acknowledge/) });

    // The record sent before the 503 lands once Kafka answers again, and is processed.
    await eventually(async () => (wholeReads(fullName).length > 0 ? true : undefined), 60_000, 200);
    // GitHub's "Redeliver": the same delivery id, accepted now.
    const again = await post(deliveryId, first.payload);
    expect(again.status).toBe(202);
    // The repository's next push is behind the redelivery in its partition: once it is processed, so is the redelivery.
    const second = github.commit(fullName, { files: { 'catalog-info.yaml': componentFile('stalled-service', { description: 'second' }) } });
    const next = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: second.payload });
    expect(next.status).toBe(202);
    await eventually(async () => (contentReads(fullName, second.after).length > 0 ? true : undefined), 60_000, 200);

    expect(wholeReads(fullName)).toHaveLength(1);
    process.stdout.write(`webhook answered ${answer.status} after ${answer.ms} ms with Kafka frozen (WEBHOOK_PUBLISH_TIMEOUT_MS=${PUBLISH_TIMEOUT_MS})\n`);
  }, 120_000);
});
