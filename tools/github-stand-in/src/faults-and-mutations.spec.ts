import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { GitHubStandIn } from './github-stand-in';

const TOKEN = 'ghp_faults';
const REPO = { owner: 'acme', repo: 'svc' };
const ThrottledOctokit = Octokit.plugin(retry, throttling);

describe('GitHubStandIn rate limits and faults', () => {
  let github: GitHubStandIn;
  let baseUrl: string;
  let plain: Octokit;

  beforeEach(async () => {
    github = new GitHubStandIn({ token: TOKEN });
    baseUrl = await github.start();
    plain = new Octokit({ baseUrl, auth: TOKEN, request: { retries: 0 } });
    github.createRepository('acme/svc');
    github.commit('acme/svc', { files: { 'catalog-info.yaml': 'kind: Component\n' } });
  });

  afterEach(async () => {
    await github.stop();
  });

  const throttled = (limits: Array<[string, number]>) =>
    new ThrottledOctokit({
      baseUrl,
      auth: TOKEN,
      retry: { retries: 0 },
      throttle: {
        onRateLimit: (retryAfter: number) => {
          limits.push(['primary', retryAfter]);
          return true;
        },
        onSecondaryRateLimit: (retryAfter: number) => {
          limits.push(['secondary', retryAfter]);
          return true;
        },
      },
    });

  it('truncates recursive tree listings past recursiveTreeLimit as GitHub does, never one level', async () => {
    github.commit('acme/svc', { files: { 'a/b/c/deep.yaml': 'x', 'z.md': 'y' } });
    const full = await plain.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: '1' });
    expect(full.data.truncated).toBe(false);
    github.setRecursiveTreeLimit(2);
    const cut = await plain.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: '1' });
    expect(cut.data).toMatchObject({ truncated: true, tree: full.data.tree.slice(0, 2) });
    expect(cut.data.tree.map((e) => e.path)).not.toContain('a/b/c/deep.yaml');
    const level = await plain.rest.git.getTree({ ...REPO, tree_sha: 'main' });
    expect(level.data.truncated).toBe(false);
    expect(level.data.tree.map((e) => e.path)).toEqual(['a', 'catalog-info.yaml', 'z.md']);
  });

  it('answers 404 for endpoints taken away with withoutEndpoints, and serves them again when asked', async () => {
    const repository = await plain.rest.repos.get(REPO);
    github.setEndpointServed('branches', false);
    github.setEndpointServed('commits', false);
    github.setEndpointServed('repositories-by-id', false);
    await expect(plain.rest.repos.getBranch({ ...REPO, branch: 'main' })).rejects.toMatchObject({ status: 404 });
    await expect(plain.rest.repos.getCommit({ ...REPO, ref: 'main' })).rejects.toMatchObject({ status: 404 });
    await expect(plain.request('GET /repositories/{id}', { id: repository.data.id })).rejects.toMatchObject({ status: 404 });
    // What a leaner GitHub still serves.
    expect((await plain.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: '1' })).status).toBe(200);
    expect((await plain.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml', ref: 'main' })).status).toBe(200);
    github.setEndpointServed('branches', true);
    expect((await plain.rest.repos.getBranch({ ...REPO, branch: 'main' })).status).toBe(200);
  });

  it("answers a primary rate limit as GitHub does, and Octokit's throttling waits for the reset", async () => {
    github.rateLimitNext(/\/contents\//, 1, { resetInSeconds: 1 });
    const refused = await plain.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml' }).catch((e: { status: number; response: { headers: Record<string, string>; data: { message: string } } }) => e);
    expect(refused).toMatchObject({ status: 403, response: { data: { message: expect.stringMatching(/^API rate limit exceeded for /) } } });
    const headers = (refused as { response: { headers: Record<string, string> } }).response.headers;
    expect(headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));

    const limits: Array<[string, number]> = [];
    github.rateLimitNext(/\/contents\//, 1, { resetInSeconds: 1 });
    const started = Date.now();
    const { status } = await throttled(limits).rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml' });
    expect(status).toBe(200);
    expect(limits).toEqual([['primary', expect.any(Number)]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('answers a secondary rate limit with retry-after (403 or 429)', async () => {
    github.secondaryRateLimitNext(/^\/repos\/acme\/svc$/, 1, { retryAfterSeconds: 1 });
    const limits: Array<[string, number]> = [];
    const started = Date.now();
    expect((await throttled(limits).rest.repos.get(REPO)).status).toBe(200);
    expect(limits).toEqual([['secondary', 1]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    github.secondaryRateLimitNext(/^\/repos\/acme\/svc$/, 1, { retryAfterSeconds: 7, status: 429 });
    await expect(plain.rest.repos.get(REPO)).rejects.toMatchObject({
      status: 429,
      response: { headers: { 'retry-after': '7' }, data: { message: expect.stringMatching(/secondary rate limit/) } },
    });
  });

  it('enforces a configured request quota until its window resets', async () => {
    github.setRateLimit(2, 1);
    expect((await plain.rest.repos.get(REPO)).headers['x-ratelimit-remaining']).toBe('1');
    expect((await plain.rest.repos.get(REPO)).headers['x-ratelimit-remaining']).toBe('0');
    await expect(plain.rest.repos.get(REPO)).rejects.toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await plain.rest.repos.get(REPO)).status).toBe(200);
  });

  it('delays answers, or never answers so clients time out', async () => {
    github.delayNext(/^\/repos\/acme\/svc$/, 1, 300);
    const started = Date.now();
    expect((await plain.rest.repos.get(REPO)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    github.delayNext(/^\/repos\/acme\/svc$/, 1, Infinity);
    // @octokit/request reports a timed-out fetch as a status-500 error, which plugin-retry retries.
    await expect(plain.rest.repos.get({ ...REPO, request: { signal: AbortSignal.timeout(200) } })).rejects.toMatchObject({ status: 500, message: expect.stringMatching(/timeout/i) });
    expect((await plain.rest.repos.get(REPO)).status).toBe(200);

    // A delay composes with a failure: slow, then 502.
    github.delayNext(/^\/repos\/acme\/svc$/, 1, 100);
    github.failNext(/^\/repos\/acme\/svc$/, 1, 502);
    await expect(plain.rest.repos.get(REPO)).rejects.toMatchObject({ status: 502 });
  });

  it('ends an outage when its faults are cleared', async () => {
    github.failNext(/^\/repos\/acme\/svc$/, 100, 503);
    github.rateLimitNext(/^\/repos\/acme\/svc$/, 100);
    await expect(plain.rest.repos.get(REPO)).rejects.toMatchObject({ status: 503 });
    github.clearFaults();
    expect((await plain.rest.repos.get(REPO)).status).toBe(200);
  });
});

describe('GitHubStandIn repository mutations', () => {
  let github: GitHubStandIn;
  let octokit: Octokit;
  let baseUrl: string;

  beforeEach(async () => {
    github = new GitHubStandIn();
    baseUrl = await github.start();
    octokit = new Octokit({ baseUrl, request: { retries: 0 } });
    github.createRepository('acme/old-name');
    github.commit('acme/old-name', { files: { 'catalog-info.yaml': 'kind: Component\n' } });
  });

  afterEach(async () => {
    await github.stop();
  });

  it('renames keeping the id; the old name redirects (301) to the id URL, which clients follow', async () => {
    const { data: before } = await octokit.rest.repos.get({ owner: 'acme', repo: 'old-name' });
    github.renameRepository('acme/old-name', 'new-name');
    const { data: after } = await octokit.rest.repos.get({ owner: 'acme', repo: 'new-name' });
    expect([after.id, after.full_name, after.html_url]).toEqual([before.id, 'acme/new-name', 'https://github.com/acme/new-name']);

    const redirect = await fetch(`${baseUrl}/repos/acme/old-name/contents/catalog-info.yaml?ref=main`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe(`${baseUrl}/repositories/${before.id}/contents/catalog-info.yaml?ref=main`);
    const followed = await octokit.rest.repos.getContent({ owner: 'acme', repo: 'old-name', path: 'catalog-info.yaml', mediaType: { format: 'raw' } });
    expect(followed.data).toBe('kind: Component\n');

    // A new repository taking the old name ends the redirect.
    github.createRepository('acme/old-name');
    expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'old-name' })).data.id).not.toBe(before.id);
  });

  it('transfers to another owner, leaving the old installation selection', async () => {
    const app = github.createApp();
    const installationId = github.createInstallation(app.id, 'acme', ['old-name']);
    const auth = createAppAuth({ appId: app.id, privateKey: app.privateKey, installationId, request: octokit.request });
    const token = async () => (await auth({ type: 'installation', refresh: true })).token;
    const asInstallation = new Octokit({ baseUrl, auth: await token(), request: { retries: 0 } });
    expect((await asInstallation.rest.repos.get({ owner: 'acme', repo: 'old-name' })).status).toBe(200);

    github.transferRepository('acme/old-name', 'globex');
    const { data } = await new Octokit({ baseUrl, auth: await token() }).request('GET /installation/repositories');
    expect(data.repositories).toEqual([]);
    expect(github.commit('globex/old-name', { files: { a: '1' } }).payload).toMatchObject({ repository: { full_name: 'globex/old-name', owner: { login: 'globex' } } });
    expect(github.repositories()).toContain('globex/old-name');
  });

  it('changes the default branch (which must exist), archives and deletes', async () => {
    github.commit('acme/old-name', { branch: 'trunk', files: { 'x.txt': 'x' } });
    github.setDefaultBranch('acme/old-name', 'trunk');
    expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'old-name' })).data.default_branch).toBe('trunk');
    expect(() => github.setDefaultBranch('acme/old-name', 'nope')).toThrow(/Unknown branch/);

    github.setArchived('acme/old-name');
    expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'old-name' })).data.archived).toBe(true);
    github.setArchived('acme/old-name', false);
    expect((await octokit.rest.repos.get({ owner: 'acme', repo: 'old-name' })).data.archived).toBe(false);

    github.deleteRepository('acme/old-name');
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'old-name' })).rejects.toMatchObject({ status: 404 });
  });
});
