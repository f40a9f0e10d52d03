import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEnv, waitForHealth } from './main';

describe('github-stand-in main', () => {
  it('parses the environment with defaults', () => {
    expect(parseEnv({ GITHUB_WEBHOOK_SECRET: 's', GITHUB_TOKEN: '' })).toEqual({
      GITHUB_STAND_IN_PORT: 7010,
      GITHUB_STAND_IN_HOST: '127.0.0.1',
      CALLBOARD_WEBHOOK_URL: 'http://127.0.0.1:7001/webhooks/github',
      GITHUB_WEBHOOK_SECRET: 's',
      GITHUB_STAND_IN_WATCH: true,
    });
    expect(parseEnv({ GITHUB_WEBHOOK_SECRET: 's', GITHUB_STAND_IN_WATCH: 'false' })).toMatchObject({ GITHUB_STAND_IN_WATCH: false });
    expect(parseEnv({ GITHUB_WEBHOOK_SECRET: 's', GITHUB_STAND_IN_PORT: '7999', GITHUB_TOKEN: 't' })).toMatchObject({
      GITHUB_STAND_IN_PORT: 7999,
      GITHUB_TOKEN: 't',
    });
  });

  it('names the missing or invalid variable in one line', () => {
    expect(() => parseEnv({})).toThrow(/^GITHUB_WEBHOOK_SECRET is required[^\n]*$/);
    expect(() => parseEnv({ GITHUB_WEBHOOK_SECRET: '' })).toThrow(/GITHUB_WEBHOOK_SECRET/);
    expect(() => parseEnv({ GITHUB_WEBHOOK_SECRET: 's', GITHUB_STAND_IN_PORT: '70000' })).toThrow(/GITHUB_STAND_IN_PORT/);
    expect(() => parseEnv({ GITHUB_WEBHOOK_SECRET: 's', GITHUB_STAND_IN_WATCH: 'maybe' })).toThrow(/^GITHUB_STAND_IN_WATCH must be true or false$/);
    expect(() => parseEnv({ GITHUB_WEBHOOK_SECRET: 's', CALLBOARD_WEBHOOK_URL: 'not a url' })).toThrow(
      /CALLBOARD_WEBHOOK_URL/,
    );
  });

  describe('waitForHealth', () => {
    let server: Server;
    let origin: string;
    let healthyAfter = 0;
    let calls = 0;

    beforeAll(async () => {
      server = createServer((req, res) => {
        calls += 1;
        res.writeHead(req.url === '/health' && calls > healthyAfter ? 200 : 503);
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('polls <origin>/health until it answers 200', async () => {
      calls = 0;
      healthyAfter = 2;
      await waitForHealth(`${origin}/webhooks/github`, 10_000, new AbortController().signal);
      expect(calls).toBe(3);
    });

    it('gives up with a clear error', async () => {
      calls = 0;
      healthyAfter = Number.POSITIVE_INFINITY;
      await expect(waitForHealth(`${origin}/webhooks/github`, 700, new AbortController().signal)).rejects.toThrow(
        `Callboard ingestion did not become healthy: GET ${origin}/health (HTTP 503)`,
      );
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      await expect(
        waitForHealth(`http://127.0.0.1:${port}/webhooks/github`, 300, new AbortController().signal),
      ).rejects.toThrow(new RegExp(`GET http://127\\.0\\.0\\.1:${port}/health \\(.*ECONNREFUSED`));
    });
  });
});
