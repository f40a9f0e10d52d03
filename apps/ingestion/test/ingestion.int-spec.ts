import { createHash } from 'node:crypto';
import { createServiceApp } from '@callboard/observability';
import { ConfigValidationError } from '@callboard/config';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { ingestionService } from '../src/ingestion.service';
import { isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { groupFile } from '../../../test/factories/catalog-files';

const SECRET = 'ingestion-test-secret';
const TOKEN = 'ghs_test_token';

const group = (name: string) => groupFile(name);

describe('ingestion service (real Kafka, GitHub stand-in)', () => {
  const github = new GitHubStandIn({ token: TOKEN });
  let service: RunningService;
  let env: Record<string, string>;
  let deliveries: TopicProbe;
  let entityEvents: TopicProbe;
  let deadLetters: TopicProbe;
  let webhookUrl: string;

  beforeAll(async () => {
    const apiUrl = await github.start();
    env = { ...isolatedEnv('ingestion'), GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN, WEBHOOK_BODY_LIMIT_BYTES: String(256 * 1024) };
    service = await startService(ingestionService, env);
    webhookUrl = `${service.url}/webhooks/github`;
    deliveries = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1`);
    entityEvents = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
    deadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1.dlq`);
  });

  afterAll(async () => {
    await Promise.all([deliveries?.stop(), entityEvents?.stop(), deadLetters?.stop()]);
    await service?.close();
    await github.stop();
  });

  it('records a signed push and publishes one upsert per entity, keyed by ref (and one for the file\'s generated Location)', async () => {
    github.createRepository('acme/teams');
    const push = github.commit('acme/teams', { files: { 'catalog-info.yaml': `${group('alpha')}---\n${group('beta')}` } });
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: push.payload });
    expect(response.status).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ deliveryId: response.deliveryId, event: 'push', status: 'accepted' });

    const [recorded] = await deliveries.waitFor((m) => m.json<{ deliveryId: string }>().deliveryId === response.deliveryId);
    expect(recorded.key).toBe(`repo:${push.payload.repository.id}`);

    const events = await entityEvents.waitFor((m) => m.json<{ source: { commitSha: string } }>().source.commitSha === push.after, 3);
    // sha1 of `url:<file URL>`, as Backstage names the Location entity its discovery generates for a file.
    const generated = `location:default/generated-${createHash('sha1').update('url:https://github.com/acme/teams/blob/main/catalog-info.yaml').digest('hex')}`;
    expect(events.map((m) => m.key).sort()).toEqual(['group:default/alpha', 'group:default/beta', generated]);
    const alpha = events.find((m) => m.key === 'group:default/alpha')!.json<Record<string, any>>();
    expect(alpha).toMatchObject({
      type: 'upsert',
      entityRef: 'group:default/alpha',
      location: { type: 'url', target: 'https://github.com/acme/teams/blob/main/catalog-info.yaml' },
      source: { provider: 'github', deliveryId: response.deliveryId, repository: 'acme/teams', path: 'catalog-info.yaml' },
      entity: { kind: 'Group', metadata: { name: 'alpha', namespace: 'default' } },
    });
    // The file was read at the pushed commit, with the configured token.
    expect(github.requests.some((r) => r.path === '/repos/acme/teams/contents/catalog-info.yaml' && r.query.ref === push.after)).toBe(true);
  });

  it('publishes removals for entities the file no longer declares, and for a deleted file', async () => {
    github.createRepository('acme/shrinking');
    github.commit('acme/shrinking', { files: { 'catalog-info.yaml': `${group('one')}---\n${group('two')}` } });
    const shrink = github.commit('acme/shrinking', { files: { 'catalog-info.yaml': group('two') } });
    expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: shrink.payload })).status).toBe(202);
    const afterShrink = await entityEvents.waitFor((m) => m.json<{ source: { commitSha: string } }>().source.commitSha === shrink.after, 2);
    expect(afterShrink.map((m) => [m.key, m.json<{ type: string }>().type])).toEqual(
      expect.arrayContaining([
        ['group:default/one', 'removal'],
        ['group:default/two', 'upsert'],
      ]),
    );

    const removeFile = github.commit('acme/shrinking', { files: { 'catalog-info.yaml': null } });
    expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: removeFile.payload })).status).toBe(202);
    const [removal] = await entityEvents.waitFor((m) => m.json<{ source: { commitSha: string } }>().source.commitSha === removeFile.after);
    expect([removal.key, removal.json<{ type: string }>().type]).toEqual(['group:default/two', 'removal']);
  });

  it('ignores pushes to other branches and pushes that do not touch a catalog file', async () => {
    github.createRepository('acme/branches');
    const feature = github.commit('acme/branches', { branch: 'feature/main', files: { 'catalog-info.yaml': group('feature-only') } });
    const readme = github.commit('acme/branches', { files: { 'README.md': '# hi' } });
    const main = github.commit('acme/branches', { files: { 'catalog-info.yaml': group('main-only') } });
    for (const push of [feature, readme, main]) {
      expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: push.payload })).status).toBe(202);
    }
    // Same repository, same partition: once main's event is out, the earlier deliveries were processed.
    await entityEvents.waitFor((m) => m.key === 'group:default/main-only');
    expect(entityEvents.messages.filter((m) => m.key === 'group:default/feature-only')).toEqual([]);
    expect(entityEvents.messages.filter((m) => m.json<{ source: { commitSha: string } }>().source.commitSha === readme.after)).toEqual([]);
  });

  it('dead-letters an invalid document with its reason and still publishes the valid ones', async () => {
    github.createRepository('acme/mixed');
    const push = github.commit('acme/mixed', {
      files: { 'catalog-info.yaml': `${group('valid-team')}---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: "bad name!"\nspec:\n  type: team\n  children: []\n` },
    });
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: push.payload });
    await entityEvents.waitFor((m) => m.key === 'group:default/valid-team');
    const [letter] = await deadLetters.waitFor((m) => m.json<{ deliveryId?: string }>().deliveryId === response.deliveryId);
    expect(letter.json()).toMatchObject({
      stage: 'ingestion.catalog-file',
      // In words the file's author understands, with the document (counted from 1) and line.
      reason: expect.stringMatching(/^acme\/mixed\/catalog-info.yaml: metadata.name "bad name!" is not a valid name.*document 2, line \d+/),
      details: { repository: 'acme/mixed', path: 'catalog-info.yaml', documentIndex: 1 },
    });
  });

  it('refuses bad signatures and malformed deliveries with a 4xx and records nothing', async () => {
    github.createRepository('acme/unsigned');
    const push = github.commit('acme/unsigned', { files: { 'catalog-info.yaml': group('never') } });
    const wrongSecret = await sendWebhook({ url: webhookUrl, secret: 'not-the-secret', event: 'push', payload: push.payload });
    const unsigned = await sendWebhook({ url: webhookUrl, secret: null, event: 'push', payload: push.payload });
    const tampered = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: JSON.stringify(push.payload), signatureOverride: `sha256=${'0'.repeat(64)}` });
    expect([wrongSecret.status, unsigned.status, tampered.status]).toEqual([401, 401, 401]);
    expect(JSON.parse(wrongSecret.body).message).toMatch(/does not match/);

    const notJson = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: '{"truncated":' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).message).toMatch(/not valid JSON/);
    const noEvent = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: {}, headers: { 'X-GitHub-Event': '' } });
    expect(noEvent.status).toBe(400);
    const wrongType = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    const tooLarge = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: { padding: 'x'.repeat(300 * 1024) } });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).message).toMatch(/larger than/);

    // A later good delivery for the same repository shares the partition, so once it is
    // recorded any earlier record would already be visible.
    const ping = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'ping', payload: { zen: 'Keep it logically awesome.', hook_id: 1, repository: push.payload.repository } });
    expect(ping.status).toBe(202);
    await deliveries.waitFor((m) => m.json<{ deliveryId: string }>().deliveryId === ping.deliveryId);
    const rejectedIds = [wrongSecret, unsigned, tampered, notJson, wrongType, tooLarge].map((r) => r.deliveryId);
    expect(deliveries.messages.filter((m) => rejectedIds.includes(m.json<{ deliveryId: string }>().deliveryId))).toEqual([]);
  });

  it('resolves $text placeholders from the same repository at the pushed commit', async () => {
    github.createRepository('acme/apis');
    const catalog = `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders-api\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: ./openapi.yaml\n`;
    const push = github.commit('acme/apis', { files: { 'catalog-info.yaml': catalog, 'openapi.yaml': 'openapi: 3.0.0\n' } });
    expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: push.payload })).status).toBe(202);
    const [event] = await entityEvents.waitFor((m) => m.key === 'api:default/orders-api');
    expect(event.json<{ entity: { spec: { definition: string } } }>().entity.spec.definition).toBe('openapi: 3.0.0\n');
    expect(github.requests.some((r) => r.path === '/repos/acme/apis/contents/openapi.yaml' && r.query.ref === push.after)).toBe(true);
  });

  it('retries a GitHub server error and still publishes the change', async () => {
    github.createRepository('acme/flaky');
    const push = github.commit('acme/flaky', { files: { 'catalog-info.yaml': group('survives-500') } });
    github.failNext(/^\/repos\/acme\/flaky\/contents\//, 2, 502);
    expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: push.payload })).status).toBe(202);
    await entityEvents.waitFor((m) => m.key === 'group:default/survives-500');
    const contentRequests = github.requests.filter((r) => r.path.startsWith('/repos/acme/flaky/contents/'));
    expect(contentRequests.map((r) => r.status)).toEqual([502, 502, 200]);

    // A missing file is an answer, not a failure: asked once, never retried.
    const removal = github.commit('acme/flaky', { files: { 'catalog-info.yaml': null } });
    expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: removal.payload })).status).toBe(202);
    await entityEvents.waitFor((m) => m.key === 'group:default/survives-500' && m.json<{ type: string }>().type === 'removal');
    const afterRemoval = github.requests.filter((r) => r.path.startsWith('/repos/acme/flaky/contents/') && r.query.ref === removal.after);
    expect(afterRemoval.map((r) => r.status)).toEqual([404]);
  });

  it('fails (and so retries) a delivery whose earlier file state GitHub refused to show, instead of skipping its removals', async () => {
    github.createRepository('acme/refused');
    github.commit('acme/refused', { files: { 'catalog-info.yaml': `${group('kept')}---\n${group('dropped')}` } });
    const shrink = github.commit('acme/refused', { files: { 'catalog-info.yaml': group('kept') } });
    // A refused credential (a revoked installation token, an exhausted rate limit) is not an answer about the file.
    github.failNext(/^\/repos\/acme\/refused\/contents\//, 1, 403);
    expect((await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: shrink.payload })).status).toBe(202);
    await entityEvents.waitFor((m) => m.key === 'group:default/dropped' && m.json<{ type: string }>().type === 'removal');
    expect(github.requests.filter((r) => r.path.startsWith('/repos/acme/refused/contents/')).map((r) => r.status)).toContain(403);
  });

  it('reports its Kafka connection on /health', async () => {
    const response = await fetch(`${service.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', info: { kafka: { status: 'up' } } });
  });

  it('refuses to start without a webhook secret, naming the variable', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { ...env, GITHUB_WEBHOOK_SECRET: '' });
    try {
      await expect(createServiceApp(ingestionService)).rejects.toThrow(ConfigValidationError);
      await expect(createServiceApp(ingestionService)).rejects.toThrow(/GITHUB_WEBHOOK_SECRET/);
    } finally {
      process.env = saved;
    }
  });
});
