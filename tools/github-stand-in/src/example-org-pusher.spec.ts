import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhooks } from '@octokit/webhooks';
import type { PushEvent } from '@octokit/webhooks-types';
import { defaultExampleOrgDir, loadExampleOrg } from './example-org';
import { pushExampleOrgChanges } from './example-org-pusher';
import type { ExampleOrgWatcher } from './example-org-watcher';
import { GitHubStandIn, ZERO_SHA } from './github-stand-in';

// Files saved in a copy of examples/acme, through the real fs.watch, become commits in the
// stand-in and signed webhooks to a receiver that verifies them as ingestion does.
const SECRET = 'example-org-secret';

interface Received {
  event: string;
  payload: Record<string, unknown>;
}

describe('pushExampleOrgChanges', () => {
  let receiver: Server;
  let webhookUrl: string;
  let received: Received[];
  let rejected: number;
  let standIn: GitHubStandIn;
  let baseUrl: string;
  let dir: string;
  let watcher: ExampleOrgWatcher;
  let logged: string[];

  beforeAll(async () => {
    const webhooks = new Webhooks({ secret: SECRET });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        void webhooks.verify(body, String(req.headers['x-hub-signature-256'] ?? '')).then((ok) => {
          if (!ok) {
            rejected += 1;
            res.writeHead(401).end();
            return;
          }
          received.push({ event: String(req.headers['x-github-event']), payload: JSON.parse(body) as Record<string, unknown> });
          res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
        });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/github`;
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  beforeEach(async () => {
    received = [];
    rejected = 0;
    logged = [];
    dir = join(mkdtempSync(join(tmpdir(), 'callboard-example-org-')), 'acme');
    cpSync(defaultExampleOrgDir(), dir, { recursive: true });
    standIn = new GitHubStandIn({ org: 'acme' });
    baseUrl = await standIn.start();
    const pushes = loadExampleOrg(standIn, dir);
    watcher = await pushExampleOrgChanges(standIn, { dir, pushes, webhookUrl, secret: SECRET, log: (l) => logged.push(l), debounceMs: 100 });
  });

  afterEach(async () => {
    await watcher.close();
    await standIn.stop();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  const deliveries = async (count: number): Promise<Received[]> => {
    const deadline = Date.now() + 10_000;
    while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await watcher.idle();
    return received;
  };

  const contentAt = async (fullName: string, path: string, ref: string): Promise<{ status: number; text?: string }> => {
    const response = await fetch(`${baseUrl}/repos/${fullName}/contents/${path}?ref=${ref}`);
    if (response.status !== 200) return { status: response.status };
    const body = (await response.json()) as { content: string };
    return { status: 200, text: Buffer.from(body.content, 'base64').toString('utf8') };
  };

  it('commits an edited file and delivers its signed push; the stand-in serves the new content at the pushed commit', async () => {
    const before = standIn.headSha('acme/storefront');
    const file = join(dir, 'storefront', 'catalog-info.yaml');
    const edited = readFileSync(file, 'utf8').replace(/description: .*/, 'description: Edited while Callboard runs');
    writeFileSync(file, edited);

    const [delivery, ...more] = await deliveries(1);
    expect(more).toEqual([]);
    expect(rejected).toBe(0);
    expect(delivery.event).toBe('push');
    const push = delivery.payload as unknown as PushEvent;
    expect(push.repository.full_name).toBe('acme/storefront');
    expect(push.ref).toBe('refs/heads/main');
    expect(push.before).toBe(before);
    expect(push.after).toBe(standIn.headSha('acme/storefront'));
    expect(push.after).not.toBe(before);
    expect(push.head_commit?.modified).toEqual(['catalog-info.yaml']);
    await expect(contentAt('acme/storefront', 'catalog-info.yaml', push.after)).resolves.toEqual({ status: 200, text: edited });
    expect(logged).toEqual([expect.stringMatching(/storefront: committed [0-9a-f]{7} to acme\/storefront \(modified catalog-info\.yaml\); push delivery=\S+ status=202$/)]);
  });

  it('keeps pushing a file that editors save by replacing it (write elsewhere, rename over it), save after save', async () => {
    const file = join(dir, 'platform-docs', 'docs', 'index.md');
    const saveByReplacing = (text: string) => {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    };
    saveByReplacing('# First save\n');
    const [first] = await deliveries(1);
    saveByReplacing('# Second save\n');
    const [, second] = await deliveries(2);
    rmSync(file);
    writeFileSync(file, '# Third save\n');
    const [, , third] = await deliveries(3);
    const pushes = [first, second, third].map((d) => d.payload as unknown as PushEvent);
    expect(pushes.map((p) => p.head_commit?.modified)).toEqual([['docs/index.md'], ['docs/index.md'], ['docs/index.md']]);
    expect(pushes[1].before).toBe(pushes[0].after);
    expect(pushes[2].before).toBe(pushes[1].after);
    await expect(contentAt('acme/platform-docs', 'docs/index.md', pushes[2].after)).resolves.toEqual({ status: 200, text: '# Third save\n' });
  });

  it('sends one push for a burst of saves in one repository: files added, changed and deleted', async () => {
    writeFileSync(join(dir, 'payments-service', 'NOTES.md'), 'notes\n');
    mkdirSync(join(dir, 'payments-service', 'docs', 'adr'), { recursive: true });
    writeFileSync(join(dir, 'payments-service', 'docs', 'adr', '0001.md'), '# ADR 1\n');
    writeFileSync(join(dir, 'payments-service', 'README.md'), 'changed\n');
    rmSync(join(dir, 'payments-service', 'src', 'index.ts'));

    const pushes = await deliveries(1);
    expect(pushes).toHaveLength(1);
    const push = pushes[0].payload as unknown as PushEvent;
    expect(push.repository.full_name).toBe('acme/payments-service');
    expect(push.head_commit?.added.sort()).toEqual(['NOTES.md', 'docs/adr/0001.md']);
    expect(push.head_commit?.modified).toEqual(['README.md']);
    expect(push.head_commit?.removed).toEqual(['src/index.ts']);
    await expect(contentAt('acme/payments-service', 'src/index.ts', push.after)).resolves.toEqual({ status: 404 });
  });

  it('makes a new folder a new repository (its first push) and a removed folder a deleted repository', async () => {
    mkdirSync(join(dir, 'billing'));
    writeFileSync(
      join(dir, 'billing', 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:payments\n',
    );
    const [created] = await deliveries(1);
    const push = created.payload as unknown as PushEvent;
    expect(created.event).toBe('push');
    expect(push.repository.full_name).toBe('acme/billing');
    expect(push.before).toBe(ZERO_SHA);
    expect(push.created).toBe(true);
    expect(standIn.repositories()).toContain('acme/billing');

    rmSync(join(dir, 'legacy-scripts'), { recursive: true });
    const [, deleted] = await deliveries(2);
    expect(deleted.event).toBe('repository');
    expect(deleted.payload).toMatchObject({ action: 'deleted', repository: { full_name: 'acme/legacy-scripts' } });
    expect(standIn.repositories()).not.toContain('acme/legacy-scripts');
    expect((await fetch(`${baseUrl}/repos/acme/legacy-scripts`)).status).toBe(404);
  });

  it('pushes nothing for editor leftovers or a save that changes nothing', async () => {
    writeFileSync(join(dir, 'org', '.catalog-info.yaml.swp'), 'swap');
    writeFileSync(join(dir, 'org', 'catalog-info.yaml~'), 'backup');
    const file = join(dir, 'org', 'README.md');
    writeFileSync(file, readFileSync(file, 'utf8'));
    await new Promise((r) => setTimeout(r, 400));
    await watcher.idle();
    expect(received).toEqual([]);
    expect(logged).toEqual([]);
  });
});
