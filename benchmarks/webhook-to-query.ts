/**
 * Measures the time from the ingestion's 202 for a signed push webhook to the entity being
 * readable through the query API, on the real pipeline: the built services as processes,
 * real Kafka and FerretDB (the test profile of scripts/stack unless KAFKA_BROKERS /
 * MONGODB_URI point elsewhere), and the GitHub stand-in.
 *
 *   npm run bench:latency [-- --shots 10]
 *
 * Prints one line per shot and a summary. This is a FerretDB (SQLite backend) figure, not a
 * MongoDB one.
 */
import path from 'node:path';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { isolatedEnv } from '../test/support/service-harness';
import { ServiceProcess, spawnService } from '../test/support/process-harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require(path.resolve(__dirname, '../../scripts/stack')) as {
  up(o: { profile: string }): Promise<{ kafkaBrokers: string; mongodbUri: string; started: { kafka: boolean; mongodb: boolean } }>;
  down(o: { profile: string }): Promise<void>;
};

const SECRET = 'bench-secret';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const shots = argument('shots', 10);
  const profile = process.env.BENCH_STACK_PROFILE ?? 'test';
  const engines = await stack.up({ profile });
  process.env.CALLBOARD_TEST_KAFKA_BROKERS = engines.kafkaBrokers;
  process.env.CALLBOARD_TEST_MONGODB_URI = engines.mongodbUri;
  const github = new GitHubStandIn();
  const services: ServiceProcess[] = [];
  try {
    const apiUrl = await github.start();
    const env = { ...isolatedEnv('bench'), GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: apiUrl };
    for (const app of ['ingestion', 'catalog', 'query'] as const) services.push(await spawnService(app, env));
    const [ingestion, , query] = services;
    github.createRepository('acme/bench');

    const samples: number[] = [];
    // One warm-up push: first consumer-group joins and topic metadata are not what we measure.
    for (let shot = 0; shot <= shots; shot += 1) {
      const name = `bench-${shot}`;
      const push = github.commit('acme/bench', {
        files: { 'catalog-info.yaml': `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n` },
      });
      const response = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: push.payload });
      const accepted = performance.now();
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${response.body}`);
      for (;;) {
        const found = await fetch(`${query.url}/api/catalog/entities/by-name/component/default/${name}`);
        if (found.status === 200) break;
        if (performance.now() - accepted > 30000) throw new Error(`${name} not queryable after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const elapsed = performance.now() - accepted;
      if (shot === 0) {
        console.log(`warm-up: ${elapsed.toFixed(0)} ms (not counted)`);
        continue;
      }
      samples.push(elapsed);
      console.log(`shot ${shot}: 202 -> queryable in ${elapsed.toFixed(0)} ms`);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    console.log(
      `webhook 202 -> queryable over ${samples.length} shots: min ${sorted[0].toFixed(0)} ms, median ${pick(0.5).toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms`,
    );
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await github.stop();
    if (engines.started.kafka || engines.started.mongodb) await stack.down({ profile });
  }
}

main().catch((err) => {
  console.error(`benchmark failed: ${(err as Error).message}`);
  process.exit(1);
});
