import { GitHubStandIn } from '@callboard/github-stand-in';
import { componentFile } from '../factories/catalog-files';
import { catalogReader } from '../support/catalog-reader';
import { GithubAppPipeline, startGithubAppPipeline } from '../support/github-app-pipeline';
import { eventually } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { webhookDeliverer } from '../support/webhook-deliverer';

const SECRET = 'refresh-limits-secret';
const ORG = 'acme';
const MAX_PER_MINUTE = 20;

// POST /api/catalog/refresh is unauthenticated (as Backstage's is) and each request it records
// makes ingestion read GitHub: repeated presses for one location are answered by the request
// already recorded, and what it records is bounded per minute.
describe('POST /api/catalog/refresh under many requests', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let pipeline: GithubAppPipeline;
  let requests: TopicProbe;

  beforeAll(async () => {
    pipeline = await startGithubAppPipeline(github, {
      label: 'refresh_limits',
      org: ORG,
      secret: SECRET,
      env: { CATALOG_FILE_PATHS: '**/catalog-info.yaml', REFRESH_MAX_PER_MINUTE: String(MAX_PER_MINUTE) },
    });
    requests = await TopicProbe.start(pipeline.env.KAFKA_BROKERS, `${pipeline.env.KAFKA_TOPIC_PREFIX}callboard.refresh-requests.v1`);
  });

  afterAll(async () => {
    await requests?.stop();
    await pipeline?.close();
  });

  const deliver = webhookDeliverer(() => pipeline.ingestion.url, SECRET);
  const { served } = catalogReader(() => pipeline.query.url);
  const refresh = async (entityRef: string) => {
    const response = await fetch(`${pipeline.query.url}/api/catalog/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entityRef }) });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  const fileReads = (repository: string) => github.requests.filter((r) => r.path.startsWith(`/repos/${ORG}/${repository}/contents/`)).length;
  const requestsFor = (entityRef: string) => requests.messages.filter((m) => m.json<{ entityRef: string }>().entityRef === entityRef);

  it('records one request for 200 refreshes of one entity, and GitHub is read once for them', async () => {
    pipeline.createRepository('pressed');
    await deliver('push', github.commit(`${ORG}/pressed`, { files: { 'catalog-info.yaml': componentFile('pressed-service') } }).payload);
    await served('component', 'pressed-service');
    const readsBefore = fileReads('pressed');

    const answers = await Promise.all(Array.from({ length: 200 }, () => refresh('component:default/pressed-service')));
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    // The one recorded request is read; then nothing more arrives.
    await eventually(async () => (fileReads('pressed') > readsBefore ? true : undefined), 20_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(requestsFor('component:default/pressed-service')).toHaveLength(1);
    expect(fileReads('pressed') - readsBefore).toBe(1);
  });

  it(`answers 429 with Backstage's error body and Retry-After past ${MAX_PER_MINUTE} recorded refreshes a minute`, async () => {
    const count = MAX_PER_MINUTE + 10;
    pipeline.createRepository('many');
    const files = Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${i}/catalog-info.yaml`, componentFile(`many-${i}`)]));
    await deliver('push', github.commit(`${ORG}/many`, { files }).payload);
    for (let i = 0; i < count; i += 1) await served('component', `many-${i}`);

    // Distinct locations: nothing coalesces.
    const answers = [];
    for (let i = 0; i < count; i += 1) answers.push(await refresh(`component:default/many-${i}`));
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted.length + refused.length).toBe(count);
    // The first test's request counts against the same minute.
    expect(accepted.length).toBeLessThanOrEqual(MAX_PER_MINUTE);
    expect(refused.length).toBeGreaterThanOrEqual(count - MAX_PER_MINUTE);
    expect(refused[0]).toEqual({
      status: 429,
      retryAfter: expect.stringMatching(/^[1-9]\d*$/),
      body: {
        error: { name: 'TooManyRequestsError', message: expect.stringMatching(/^Too many refresh requests; retry in \d+ s$/) },
        request: { method: 'POST', url: '/refresh' },
        response: { statusCode: 429 },
      },
    });
    // Only what was answered 200 was recorded.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requests.messages.filter((m) => m.json<{ entityRef: string }>().entityRef.startsWith('component:default/many-'))).toHaveLength(accepted.length);
  });
});
