import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { componentFile } from '../factories/catalog-files';
import { freePort, repoRoot, ServiceProcess, spawnService } from '../support/process-harness';
import { eventually, isolatedEnv } from '../support/service-harness';

interface StackModule {
  up(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<{ kafkaBrokers: string }>;
  down(o: { profile: string; env?: NodeJS.ProcessEnv }): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.join(repoRoot, 'scripts/stack')) as StackModule;

const SECRET = 'first-run-secret';
const TOKEN = 'ghp_first_run_token';
const ROUNDS = 3;

// `npm run dev` on a new machine: the three services start, as production runs them (dist/,
// their own processes, all at once), against a Kafka cluster created seconds before — no topic,
// no __consumer_offsets, leaders still being elected. Each round has a cluster of its own (a new
// KRaft data folder, free ports); FerretDB is the test run's, each round on a database of its own.
describe('first run: the three services against a brand-new Kafka cluster', () => {
  const github = new GitHubStandIn({ token: TOKEN });
  let apiUrl: string;

  beforeAll(async () => {
    if (!existsSync(path.resolve(repoRoot, 'dist/apps/query/src/main.js'))) {
      throw new Error('dist/ is missing: `npm test` builds it; or run `npm run build` first');
    }
    apiUrl = await github.start();
  });

  afterAll(async () => github.stop());

  for (let round = 1; round <= ROUNDS; round += 1) {
    it(`round ${round}: all three become healthy and stay up, and a push is served end to end`, async () => {
      const stateDir = mkdtempSync(path.join(tmpdir(), 'callboard-first-run-'));
      // Only Kafka is started here: MONGODB_URI names the test run's FerretDB as external.
      const { KAFKA_BROKERS: _brokers, ...inherited } = process.env;
      void _brokers;
      const stackEnv: NodeJS.ProcessEnv = {
        ...inherited,
        MONGODB_URI: process.env.CALLBOARD_TEST_MONGODB_URI,
        CALLBOARD_STATE_DIR: stateDir,
        CALLBOARD_KAFKA_PORT: String(await freePort()),
        CALLBOARD_KAFKA_CONTROLLER_PORT: String(await freePort()),
      };
      const services: ServiceProcess[] = [];
      try {
        const { kafkaBrokers } = await stack.up({ profile: 'test', env: stackEnv });
        const env = { ...isolatedEnv(`first_run_${round}`), KAFKA_BROKERS: kafkaBrokers, GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN, GITHUB_WEBHOOK_SECRET: SECRET };
        const started = await Promise.allSettled((['ingestion', 'catalog', 'query'] as const).map((app) => spawnService(app, env, { readyTimeoutMs: 90_000 })));
        for (const s of started) if (s.status === 'fulfilled') services.push(s.value);
        // A service that crashed on start-up (NOT_LEADER_FOR_PARTITION, UNKNOWN_TOPIC_OR_PARTITION) fails here with its output.
        expect(started.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason).slice(0, 3000))).toEqual([]);
        const [ingestion, , query] = services;

        const repository = `acme/first-run-${round}`;
        github.createRepository(repository);
        const push = github.commit(repository, { files: { 'catalog-info.yaml': componentFile(`first-run-${round}`, { description: `round ${round}` }) } });
        const accepted = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: push.payload });
        expect(accepted.status).toBe(202);
        const served = await eventually(async () => {
          const response = await fetch(`${query.url}/api/catalog/entities/by-name/component/default/first-run-${round}`);
          return response.status === 200 ? ((await response.json()) as { metadata: { description?: string } }) : undefined;
        }, 60_000, 200);
        expect(served.metadata.description).toBe(`round ${round}`);

        // Still all up and healthy once the push went through: none died after /health first answered.
        for (const service of services) expect((await fetch(`${service.url}/health`)).status).toBe(200);
      } finally {
        const codes = await Promise.all(services.map((s) => s.stop()));
        await stack.down({ profile: 'test', env: stackEnv });
        rmSync(stateDir, { recursive: true, force: true });
        // Graceful shutdown on SIGTERM: each exits 0, so none had crashed meanwhile.
        expect(codes).toEqual(services.map(() => 0));
      }
    }, 180_000);
  }
});
