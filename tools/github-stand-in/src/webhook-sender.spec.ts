import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { sendWebhook, signWebhookBody } from './webhook-sender';

describe('signWebhookBody', () => {
  const secret = 'It’s a Secret to Everybody';
  const body = JSON.stringify({ hello: 'world', unicode: 'ünïcödé ✓' });

  it('produces a signature @octokit/webhooks verifies', async () => {
    const signature = signWebhookBody(secret, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    await expect(new Webhooks({ secret }).verify(body, signature)).resolves.toBe(true);
    await expect(new Webhooks({ secret }).sign(body)).resolves.toBe(signature);
  });

  it('does not verify with a wrong secret or a changed body', async () => {
    const signature = signWebhookBody('wrong secret', body);
    await expect(new Webhooks({ secret }).verify(body, signature)).resolves.toBe(false);
    await expect(new Webhooks({ secret }).verify(`${body} `, signWebhookBody(secret, body))).resolves.toBe(false);
  });

  it('matches GitHub documentation’s test vector', () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(signWebhookBody("It's a Secret to Everybody", 'Hello, World!')).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});

describe('sendWebhook', () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"accepted":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/github`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it('sends GitHub’s headers and a verifiable signature', async () => {
    const payload = { ref: 'refs/heads/main', repository: { id: 7, full_name: 'acme/x' }, organization: { id: 9 } };
    const result = await sendWebhook({ url, secret: 's3cret', event: 'push', payload });
    expect(result).toEqual({ status: 202, body: '{"accepted":true}', deliveryId: expect.any(String) });
    expect(result.deliveryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [{ headers, body }] = received;
    expect(body).toBe(JSON.stringify(payload));
    expect(headers).toMatchObject({
      'x-github-event': 'push',
      'x-github-delivery': result.deliveryId,
      'x-github-hook-id': expect.stringMatching(/^\d+$/),
      'x-github-hook-installation-target-type': 'organization',
      'x-github-hook-installation-target-id': '9',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^GitHub-Hookshot\/[0-9a-f]+$/),
      'x-hub-signature': expect.stringMatching(/^sha1=[0-9a-f]{40}$/),
    });
    await expect(
      new Webhooks({ secret: 's3cret' }).verify(body, headers['x-hub-signature-256'] as string),
    ).resolves.toBe(true);
  });

  it('omits signatures without a secret, honours overrides and raw string payloads', async () => {
    await sendWebhook({ url, secret: null, event: 'ping', payload: { zen: 'Keep it simple.' }, deliveryId: 'd-1' });
    expect(received[0].headers['x-hub-signature-256']).toBeUndefined();
    expect(received[0].headers['x-hub-signature']).toBeUndefined();
    expect(received[0].headers['x-github-delivery']).toBe('d-1');

    const raw = '{ "zen" : "spaces matter" }';
    await sendWebhook({ url, secret: 'k', event: 'ping', payload: raw, signatureOverride: 'sha256=deadbeef' });
    expect(received[1].body).toBe(raw);
    expect(received[1].headers['x-hub-signature-256']).toBe('sha256=deadbeef');
  });
});
