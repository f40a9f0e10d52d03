import { createServer, connect, type Server, type Socket } from 'node:net';
import { catalogService } from '../src/catalog.service';
import { eventually, isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';

/**
 * A TCP relay in front of the real FerretDB that can stop relaying while keeping every
 * connection open: a database that stopped answering, as a frozen or partitioned server is.
 */
class FreezableRelay {
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  private server: Server | undefined;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
        if (this.frozen) socket.pause();
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) socket.pause();
  }

  thaw(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.resume();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('catalog service health (real FerretDB behind a relay that can stop answering)', () => {
  let relay: FreezableRelay;
  let service: RunningService;

  const health = async () => {
    const response = await fetch(`${service.url}/health`, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: (await response.json()) as { info?: Record<string, { status: string }>; error?: Record<string, { status: string }> } };
  };

  beforeAll(async () => {
    const env = isolatedEnv('catalog_health');
    const real = new URL(env.MONGODB_URI);
    relay = new FreezableRelay({ host: real.hostname, port: Number(real.port) });
    const port = await relay.start();
    service = await startService(catalogService, { ...env, MONGODB_URI: `mongodb://127.0.0.1:${port}/` });
  });

  afterAll(async () => {
    relay?.thaw();
    await service?.close();
    await relay?.stop();
  });

  it('reports MongoDB down within a few seconds of it no longer answering, and up again once it answers', async () => {
    await eventually(async () => ((await health()).status === 200 ? true : undefined));
    expect((await health()).body.info?.mongodb).toEqual({ status: 'up' });

    relay.freeze();
    const frozenAt = Date.now();
    const down = await eventually(async () => {
      const answer = await health();
      return answer.status === 503 ? answer : undefined;
    }, 8000, 250);
    expect(Date.now() - frozenAt).toBeLessThan(5000);
    expect(down.body.error?.mongodb).toMatchObject({ status: 'down' });

    relay.thaw();
    await eventually(async () => ((await health()).status === 200 ? true : undefined), 15000, 250);
  });
});
