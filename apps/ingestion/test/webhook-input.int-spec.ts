import { request } from 'node:http';
import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { ingestionService } from '../src/ingestion.service';
import { WEBHOOK_MAX_JSON_DEPTH } from '../src/webhooks/receive-webhook.use-case';
import { isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { groupFile } from '../../../test/factories/catalog-files';

const SECRET = 'webhook-input-secret';
const TOKEN = 'ghs_webhook_input';

/** `{"a":{"a":...}}` nested `depth` levels. */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

/** One raw HTTP exchange, so that a reset connection shows as an error rather than a status. */
function rawRequest(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('webhook endpoint: hostile and unusual input (real Kafka, GitHub stand-in)', () => {
  const github = new GitHubStandIn({ token: TOKEN });
  let service: RunningService;
  let deliveries: TopicProbe;
  let entityEvents: TopicProbe;
  let webhookUrl: string;

  beforeAll(async () => {
    const apiUrl = await github.start();
    const env: Record<string, string> = { ...isolatedEnv('webhook_input'), GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN };
    service = await startService(ingestionService, env);
    webhookUrl = `${service.url}/webhooks/github`;
    deliveries = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1`);
    entityEvents = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
  });

  afterAll(async () => {
    await Promise.all([deliveries?.stop(), entityEvents?.stop()]);
    await service?.close();
    await github.stop();
  });

  it('refuses signed JSON nested 100,000 deep with 400, records nothing, and still accepts the next delivery', async () => {
    const deep = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'ping', payload: nested(100_000) });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body).message).toMatch(`deeper than ${WEBHOOK_MAX_JSON_DEPTH} levels`);
    // The same in GitHub's form encoding.
    const deepForm = await sendWebhook({
      url: webhookUrl,
      secret: SECRET,
      event: 'ping',
      payload: new URLSearchParams({ payload: nested(100_000) }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(deepForm.status).toBe(400);

    const ping = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'ping', payload: { zen: 'Speak like a human.', hook_id: 1 } });
    expect(ping.status).toBe(202);
    await deliveries.waitFor((m) => m.json<{ deliveryId: string }>().deliveryId === ping.deliveryId);
    expect(deliveries.messages.filter((m) => [deep.deliveryId, deepForm.deliveryId].includes(m.json<{ deliveryId: string }>().deliveryId))).toEqual([]);
  });

  it('accepts and processes a push nesting JSON as deep as the limit', async () => {
    github.createRepository('acme/deep');
    const push = github.commit('acme/deep', { files: { 'catalog-info.yaml': groupFile('deep-team') } });
    const payload = JSON.stringify({ ...push.payload, extra: JSON.parse(nested(WEBHOOK_MAX_JSON_DEPTH - 1)) });
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload });
    expect(response.status).toBe(202);
    await entityEvents.waitFor((m) => m.key === 'group:default/deep-team');
  });

  it('accepts a push form-encoded as GitHub sends it (the JSON in the payload field), signed over the form bytes', async () => {
    github.createRepository('acme/form');
    const push = github.commit('acme/form', { files: { 'catalog-info.yaml': groupFile('form-team', { description: 'Spaces & symbols: 100% +1 "quoted"' }) } });
    const form = new URLSearchParams({ payload: JSON.stringify(push.payload) }).toString();
    const response = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(202);
    const [event] = await entityEvents.waitFor((m) => m.key === 'group:default/form-team');
    expect(event.json<{ source: { deliveryId: string } }>().source.deliveryId).toBe(response.deliveryId);

    // curl -d without a Content-Type sends the JSON itself form-encoded: there is no payload field.
    const bare = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'push', payload: JSON.stringify(push.payload), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(bare.status).toBe(400);
    expect(JSON.parse(bare.body).message).toMatch(/no payload field/);
  });

  it('answers the status codes the README lists, in its order of checks', async () => {
    const unsignedText = await sendWebhook({ url: webhookUrl, secret: null, event: 'ping', payload: 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(unsignedText.status).toBe(401);
    const signedText = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'ping', payload: 'hello', headers: { 'Content-Type': 'text/plain' } });
    expect(signedText.status).toBe(415);
    const notJson = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'ping', payload: '{"zen":' });
    expect(notJson.status).toBe(400);
    const array = await sendWebhook({ url: webhookUrl, secret: SECRET, event: 'ping', payload: '[1]' });
    expect(array.status).toBe(400);
  });

  it('answers an oversized header with 431 and a JSON body instead of resetting the connection, and names no framework', async () => {
    const tooLarge = await rawRequest(service.url, '/health', { 'X-Padding': 'x'.repeat(100_000) });
    expect(tooLarge.status).toBe(431);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: { name: 'RequestHeaderFieldsTooLargeError' }, response: { statusCode: 431 } });
    const health = await fetch(`${service.url}/health`);
    expect(health.headers.get('x-powered-by')).toBeNull();
  });
});
