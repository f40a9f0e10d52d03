import { existsSync } from 'node:fs';
import path from 'node:path';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { eventually, isolatedEnv } from '../support/service-harness';
import { ServiceProcess, spawnService } from '../support/process-harness';
import { TopicProbe } from '../support/topic-probe';

const SECRET = 'e2e-webhook-secret';
const TOKEN = 'ghp_e2e_token';

// A catalog file as a team would write it; the push payload around it is GitHub's real
// `push` example from @octokit/webhooks-examples, adapted by the stand-in.
const CATALOG_FILE = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-engine
  description: Charges customers
  tags: [kotlin]
  annotations:
    github.com/project-slug: acme/billing-engine
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: billing-api
spec:
  type: openapi
  lifecycle: production
  owner: group:default/payments
  definition: "openapi: 3.0.0"
`;

describe('end to end: signed webhook → ingestion → Kafka → catalog → FerretDB → query', () => {
  const github = new GitHubStandIn({ token: TOKEN });
  let services: ServiceProcess[] = [];
  let ingestion: ServiceProcess;
  let query: ServiceProcess;
  let deliveries: TopicProbe;
  let env: Record<string, string>;

  const byName = async (kind: string, name: string) => {
    const response = await fetch(`${query.url}/api/catalog/entities/by-name/${kind}/default/${name}`);
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    if (!existsSync(path.resolve(__dirname, '../../dist/apps/query/src/main.js'))) {
      throw new Error('dist/ is missing: `npm test` builds it; or run `npm run build` first');
    }
    const apiUrl = await github.start();
    env = { ...isolatedEnv('e2e'), GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN, LOG_LEVEL: 'info' };
    [ingestion] = services = [await spawnService('ingestion', env)];
    services.push(await spawnService('catalog', env));
    query = await spawnService('query', env);
    services.push(query);
    deliveries = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1`);
  });

  afterAll(async () => {
    await deliveries?.stop();
    const codes = await Promise.all(services.map((s) => s.stop()));
    await github.stop();
    // Graceful shutdown on SIGTERM: every service exits 0 on its own.
    expect(codes).toEqual(services.map(() => 0));
  });

  it('makes a pushed entity queryable, then removes it when the file is deleted', async () => {
    github.createRepository('acme/billing-engine');
    const push = github.commit('acme/billing-engine', { files: { 'catalog-info.yaml': CATALOG_FILE, 'README.md': '# billing' } });
    const accepted = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: push.payload });
    expect(accepted.status).toBe(202);

    const component = await eventually(async () => {
      const { status, body } = await byName('component', 'billing-engine');
      return status === 200 ? body : undefined;
    });
    expect(component).toMatchObject({
      kind: 'Component',
      metadata: {
        name: 'billing-engine',
        uid: expect.any(String),
        etag: expect.any(String),
        annotations: {
          'github.com/project-slug': 'acme/billing-engine',
          'backstage.io/managed-by-location': 'url:https://github.com/acme/billing-engine/blob/main/catalog-info.yaml',
          'backstage.io/managed-by-origin-location': 'url:https://github.com/acme/billing-engine/blob/main/catalog-info.yaml',
        },
      },
      spec: { owner: 'group:default/payments' },
    });
    // Entities of one file travel on their own partitions (keyed by ref), so each is awaited.
    await eventually(async () => ((await byName('api', 'billing-api')).status === 200 ? true : undefined));
    const listed = (await fetch(`${query.url}/api/catalog/entities?filter=kind=component,metadata.tags=kotlin`).then((r) => r.json())) as Array<{ metadata: { name: string } }>;
    expect(listed.map((e) => e.metadata.name)).toEqual(['billing-engine']);

    const deletion = github.commit('acme/billing-engine', { files: { 'catalog-info.yaml': null } });
    expect((await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: deletion.payload })).status).toBe(202);
    // The removals too travel on each entity's own partition.
    await eventually(async () => ((await byName('component', 'billing-engine')).status === 404 ? true : undefined));
    await eventually(async () => ((await byName('api', 'billing-api')).status === 404 ? true : undefined));
  });

  it('publishes nothing for a badly signed delivery', async () => {
    github.createRepository('acme/forged');
    const push = github.commit('acme/forged', { files: { 'catalog-info.yaml': CATALOG_FILE.replace(/billing-/g, 'forged-') } });
    const forged = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: 'attacker-secret', event: 'push', payload: push.payload });
    expect(forged.status).toBe(401);

    // A valid delivery for the same repository afterwards: same partition, so once it is
    // processed, anything the forged one had caused would be visible too.
    const marker = github.commit('acme/forged', { files: { 'README.md': 'marker' } });
    const accepted = await sendWebhook({ url: `${ingestion.url}/webhooks/github`, secret: SECRET, event: 'push', payload: marker.payload });
    await deliveries.waitFor((m) => m.json<{ deliveryId: string }>().deliveryId === accepted.deliveryId);
    expect(deliveries.messages.some((m) => m.json<{ deliveryId: string }>().deliveryId === forged.deliveryId)).toBe(false);
    expect((await byName('component', 'forged-engine')).status).toBe(404);
  });
});
