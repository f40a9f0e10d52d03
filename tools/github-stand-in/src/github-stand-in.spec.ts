import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { blobSha, EMPTY_TREE_SHA } from './git-objects';
import { GitHubStandIn, ZERO_SHA } from './github-stand-in';

const TOKEN = 'ghp_standintoken';
const REPO = { owner: 'acme', repo: 'payments-service' };

function decode(content: string): string {
  return Buffer.from(content, 'base64').toString('utf8');
}

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('GitHubStandIn', () => {
  let standIn: GitHubStandIn;
  let baseUrl: string;
  let octokit: Octokit;

  beforeEach(async () => {
    let tick = Date.parse('2024-05-01T12:00:00Z');
    standIn = new GitHubStandIn({ token: TOKEN, now: () => new Date((tick += 60_000)) });
    baseUrl = await standIn.start(0);
    octokit = new Octokit({ baseUrl, auth: TOKEN, request: { retries: 0 } });
    standIn.createRepository('acme/payments-service', { defaultBranch: 'main' });
  });

  afterEach(async () => {
    await standIn.stop();
  });

  it('serves the repository object', async () => {
    standIn.commit('acme/payments-service', { files: { 'README.md': '# payments\n' } });
    const { data, headers } = await octokit.rest.repos.get(REPO);
    expect(data).toMatchObject({
      name: 'payments-service',
      full_name: 'acme/payments-service',
      owner: { login: 'acme', type: 'Organization' },
      private: false,
      html_url: 'https://github.com/acme/payments-service',
      url: `${baseUrl}/repos/acme/payments-service`,
      default_branch: 'main',
      archived: false,
      disabled: false,
      visibility: 'public',
    });
    expect(typeof data.id).toBe('number');
    expect(data.pushed_at).toBe('2024-05-01T12:02:00Z');
    expect(headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect(headers['content-type']).toBe('application/json; charset=utf-8');

    // Case-insensitive like GitHub; unknown repositories are 404 with GitHub's error body.
    await expect(octokit.rest.repos.get({ owner: 'ACME', repo: 'Payments-Service' })).resolves.toBeDefined();
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'nope' })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found', status: '404' } },
    });
  });

  it('serves file contents at a sha and at a branch, nested paths included', async () => {
    const catalog = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments-service\n'.repeat(3);
    const first = standIn.commit('acme/payments-service', {
      files: { 'catalog-info.yaml': catalog, 'services/a/catalog-info.yaml': 'kind: API\n' },
    });

    const atSha = await octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml', ref: first.after });
    const file = atSha.data as { type: string; encoding: string; content: string; sha: string; size: number; path: string; name: string };
    expect(file).toMatchObject({ type: 'file', encoding: 'base64', path: 'catalog-info.yaml', name: 'catalog-info.yaml' });
    expect(decode(file.content)).toBe(catalog);
    expect(file.size).toBe(Buffer.byteLength(catalog));
    expect(file.sha).toBe(blobSha(catalog));
    // Wrapped at 60 characters per line, like GitHub.
    expect(file.content.split('\n').slice(0, -1).every((line) => line.length <= 60)).toBe(true);
    expect(file.content.endsWith('\n')).toBe(true);

    const atBranch = await octokit.rest.repos.getContent({ ...REPO, path: 'services/a/catalog-info.yaml', ref: 'main' });
    expect(decode((atBranch.data as { content: string }).content)).toBe('kind: API\n');
    const noRef = await octokit.rest.repos.getContent({ ...REPO, path: 'services/a/catalog-info.yaml' });
    expect((noRef.data as { path: string }).path).toBe('services/a/catalog-info.yaml');
    // Octokit sends the nested path URL-encoded (services%2Fa%2F...); the stand-in decodes it.
    expect(standIn.requests.some((r) => r.rawPath.includes('services%2Fa%2Fcatalog-info.yaml'))).toBe(true);
    expect(standIn.requests.at(-2)).toMatchObject({
      method: 'GET',
      path: '/repos/acme/payments-service/contents/services/a/catalog-info.yaml',
      query: { ref: 'main' },
      status: 200,
    });

    // Raw media type returns the file itself.
    const raw = await octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml', mediaType: { format: 'raw' } });
    expect(raw.data).toBe(catalog);

    // Folders list their entries.
    const dir = await octokit.rest.repos.getContent({ ...REPO, path: 'services' });
    expect(dir.data).toEqual([expect.objectContaining({ type: 'dir', name: 'a', path: 'services/a' })]);

    // Hitting the file's download_url gives the raw content too.
    const downloaded = await fetch((file as unknown as { download_url: string }).download_url, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(await downloaded.text()).toBe(catalog);
  });

  it('answers 404 for a file deleted at the new sha while the old sha still has it', async () => {
    const first = standIn.commit('acme/payments-service', {
      files: { 'catalog-info.yaml': 'kind: Component\n', 'README.md': 'hi\n' },
    });
    const second = standIn.commit('acme/payments-service', { files: { 'catalog-info.yaml': null } });
    expect(second.before).toBe(first.after);

    await expect(
      octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml', ref: second.after }),
    ).rejects.toMatchObject({ status: 404, response: { data: { message: 'Not Found', status: '404' } } });
    await expect(octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml' })).rejects.toMatchObject({
      status: 404,
    });
    const old = await octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml', ref: first.after });
    expect(decode((old.data as { content: string }).content)).toBe('kind: Component\n');

    await expect(
      octokit.rest.repos.getContent({ ...REPO, path: 'README.md', ref: 'no-such-branch' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('serves recursive git trees for a sha or a branch', async () => {
    const { after } = standIn.commit('acme/payments-service', {
      files: {
        'catalog-info.yaml': 'kind: Component\n',
        'docs/index.md': '# Docs\n',
        'services/a/catalog-info.yaml': 'kind: API\n',
        'services/b.yaml': 'b\n',
      },
    });
    const { data } = await octokit.rest.git.getTree({ ...REPO, tree_sha: after, recursive: '1' });
    expect(data.truncated).toBe(false);
    expect(data.tree.map((e) => `${e.type} ${e.path}`)).toEqual([
      'blob catalog-info.yaml',
      'tree docs',
      'blob docs/index.md',
      'tree services',
      'tree services/a',
      'blob services/a/catalog-info.yaml',
      'blob services/b.yaml',
    ]);
    expect(data.tree[0]).toMatchObject({
      mode: '100644',
      type: 'blob',
      sha: blobSha('kind: Component\n'),
      size: 16,
      url: `${baseUrl}/repos/acme/payments-service/git/blobs/${blobSha('kind: Component\n')}`,
    });
    expect(data.tree[1]).toMatchObject({ mode: '040000', type: 'tree' });

    const byBranch = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: '1' });
    expect(byBranch.data.sha).toBe(data.sha);
    const topLevel = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main' });
    expect(topLevel.data.tree.map((e) => e.path)).toEqual(['catalog-info.yaml', 'docs', 'services']);
    const subtree = await octokit.rest.git.getTree({ ...REPO, tree_sha: data.tree[3].sha!, recursive: 'true' });
    expect(subtree.data.tree.map((e) => e.path)).toEqual(['a', 'a/catalog-info.yaml', 'b.yaml']);

    const blob = await octokit.rest.git.getBlob({ ...REPO, file_sha: data.tree[2].sha! });
    expect(decode(blob.data.content)).toBe('# Docs\n');

    const commit = await octokit.rest.repos.getCommit({ ...REPO, ref: 'main' });
    expect(commit.data.sha).toBe(after);
    expect(commit.data.commit.committer?.date).toBe('2024-05-01T12:02:00Z');
    expect(commit.data.commit.tree.sha).toBe(data.sha);
    expect(commit.data.files?.map((f) => [f.filename, f.status])).toEqual([
      ['catalog-info.yaml', 'added'],
      ['docs/index.md', 'added'],
      ['services/a/catalog-info.yaml', 'added'],
      ['services/b.yaml', 'added'],
    ]);
  });

  (hasGit() ? it : it.skip)('computes the same blob, tree and commit SHAs as git', () => {
    const files = { 'catalog-info.yaml': 'kind: Component\n', 'a/b/c.txt': 'ünïcode ✓\n', 'a-b': 'x', 'a.b': '' };
    const { after } = standIn.commit('acme/payments-service', { files, message: 'Add files' });
    expect(standIn.files('acme/payments-service', after)).toEqual(files);
    const dir = mkdtempSync(join(tmpdir(), 'stand-in-git-'));
    try {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      const git = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 'octocat',
            GIT_AUTHOR_EMAIL: '583231+octocat@users.noreply.github.com',
            GIT_COMMITTER_NAME: 'octocat',
            GIT_COMMITTER_EMAIL: '583231+octocat@users.noreply.github.com',
            GIT_AUTHOR_DATE: '2024-05-01T12:02:00Z',
            GIT_COMMITTER_DATE: '2024-05-01T12:02:00Z',
          },
        }).trim();
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '--no-gpg-sign', '-m', 'Add files');
      expect(git('rev-parse', 'HEAD')).toBe(after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(blobSha('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it('rejects requests without the right token', async () => {
    const anonymous = new Octokit({ baseUrl, request: { retries: 0 } });
    await expect(anonymous.rest.repos.get(REPO)).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials', documentation_url: expect.stringContaining('docs.github.com') } },
    });
    const wrong = new Octokit({ baseUrl, auth: 'nope' });
    await expect(wrong.rest.repos.get(REPO)).rejects.toMatchObject({ status: 401 });
    const bearer = await fetch(`${baseUrl}/repos/acme/payments-service`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  it('fails the next N matching requests, then succeeds', async () => {
    standIn.commit('acme/payments-service', { files: { 'catalog-info.yaml': 'kind: Component\n' } });
    standIn.failNext(/\/contents\/catalog-info\.yaml$/, 2, 502);
    for (let i = 0; i < 2; i += 1) {
      await expect(octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml' })).rejects.toMatchObject({
        status: 502,
      });
    }
    // Other paths are not affected.
    await expect(octokit.rest.repos.get(REPO)).resolves.toMatchObject({ status: 200 });
    const ok = await octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml' });
    expect(ok.status).toBe(200);
    const contentRequests = standIn.requests.filter((r) => r.path.endsWith('/contents/catalog-info.yaml'));
    expect(contentRequests.map((r) => r.status)).toEqual([502, 502, 200]);

    standIn.failNext(/^\/repos\/acme\/payments-service$/, 1);
    await expect(octokit.rest.repos.get(REPO)).rejects.toMatchObject({ status: 500 });
    await expect(octokit.rest.repos.get(REPO)).resolves.toMatchObject({ status: 200 });
  });

  it('builds push payloads with added/modified/removed and chained before/after', () => {
    const first = standIn.commit('acme/payments-service', {
      files: { 'catalog-info.yaml': 'v1\n', 'README.md': 'readme\n', 'old.txt': 'old\n' },
      message: 'First',
    });
    expect(first.before).toBe(ZERO_SHA);
    expect(first.after).toMatch(/^[0-9a-f]{40}$/);
    expect(first.payload).toMatchObject({
      ref: 'refs/heads/main',
      before: ZERO_SHA,
      after: first.after,
      created: true,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/acme/payments-service/commit/${first.after}`,
      repository: {
        full_name: 'acme/payments-service',
        name: 'payments-service',
        owner: { login: 'acme', type: 'Organization' },
        default_branch: 'main',
        master_branch: 'main',
        archived: false,
        visibility: 'public',
        html_url: 'https://github.com/acme/payments-service',
      },
      organization: { login: 'acme' },
      sender: { login: 'octocat', type: 'User' },
      pusher: { name: 'octocat' },
    });
    expect(first.payload.commits).toHaveLength(1);
    expect(first.payload.commits[0]).toMatchObject({
      id: first.after,
      message: 'First',
      added: ['README.md', 'catalog-info.yaml', 'old.txt'],
      modified: [],
      removed: [],
    });
    expect(first.payload.head_commit).toEqual(first.payload.commits[0]);
    expect(typeof first.payload.repository.pushed_at).toBe('number');
    expect(first.payload.installation).toBeUndefined();

    const second = standIn.commit('acme/payments-service', {
      files: { 'catalog-info.yaml': 'v2\n', 'old.txt': null, 'docs/catalog-info.yaml': 'new\n', 'README.md': 'readme\n' },
    });
    expect(second.before).toBe(first.after);
    expect(second.payload).toMatchObject({
      before: first.after,
      after: second.after,
      created: false,
      compare: `https://github.com/acme/payments-service/compare/${first.after.slice(0, 12)}...${second.after.slice(0, 12)}`,
    });
    expect(second.payload.head_commit).toMatchObject({
      added: ['docs/catalog-info.yaml'],
      modified: ['catalog-info.yaml'],
      removed: ['old.txt'],
    });

    // A new branch starts from the default branch head; its first push has before = zeros.
    const feature = standIn.commit('acme/payments-service', { branch: 'feature/x', files: { 'x.txt': 'x\n' } });
    expect(feature.before).toBe(ZERO_SHA);
    expect(feature.payload).toMatchObject({ ref: 'refs/heads/feature/x', created: true });
    expect(feature.payload.head_commit?.added).toEqual(['x.txt']);
    expect(standIn.headSha('acme/payments-service')).toBe(second.after);
    expect(standIn.files('acme/payments-service', 'feature/x')).toEqual({
      'catalog-info.yaml': 'v2\n',
      'README.md': 'readme\n',
      'docs/catalog-info.yaml': 'new\n',
      'x.txt': 'x\n',
    });
  });

  it('lists organisation repositories with Link pagination, and rate limits', async () => {
    for (const name of ['b', 'c', 'd', 'e']) standIn.createRepository(`acme/${name}`, { private: name === 'e' });
    const page1 = await octokit.rest.repos.listForOrg({ org: 'acme', per_page: 2 });
    expect(page1.data).toHaveLength(2);
    expect(page1.headers.link).toContain('rel="next"');
    expect(page1.headers.link).toContain('rel="last"');
    const all = await octokit.paginate(octokit.rest.repos.listForOrg, { org: 'acme', per_page: 2 });
    expect(all.map((r) => r.name).sort()).toEqual(['b', 'c', 'd', 'e', 'payments-service']);
    const byName = await octokit.rest.repos.listForOrg({ org: 'acme', sort: 'full_name' });
    expect(byName.data.map((r) => r.name)).toEqual(['b', 'c', 'd', 'e', 'payments-service']);
    expect(byName.headers.link).toBeUndefined();
    const publicOnly = await octokit.rest.repos.listForOrg({ org: 'acme', type: 'public' });
    expect(publicOnly.data.map((r) => r.name)).not.toContain('e');
    await expect(octokit.rest.repos.listForOrg({ org: 'nobody' })).rejects.toMatchObject({ status: 404 });

    const rate = await octokit.rest.rateLimit.get();
    expect(rate.data.resources.core).toMatchObject({ limit: 5000 });
    expect(rate.data.rate.remaining).toBeLessThan(5000);

    const unknown = await fetch(`${baseUrl}/something/else`, { headers: { authorization: `token ${TOKEN}` } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await unknown.json()).toMatchObject({ message: 'Not Found' });
  });

  it('reflects archived and deleted repositories, and empty ones', async () => {
    await expect(octokit.rest.repos.getContent({ ...REPO, path: 'catalog-info.yaml' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(octokit.rest.git.getTree({ ...REPO, tree_sha: 'main' })).rejects.toMatchObject({ status: 409 });
    standIn.commit('acme/payments-service', { files: {}, message: 'Initial commit' });
    const tree = await octokit.rest.git.getTree({ ...REPO, tree_sha: 'main', recursive: '1' });
    expect(tree.data).toMatchObject({ sha: EMPTY_TREE_SHA, tree: [] });

    standIn.setArchived('acme/payments-service');
    expect((await octokit.rest.repos.get(REPO)).data.archived).toBe(true);
    standIn.deleteRepository('acme/payments-service');
    await expect(octokit.rest.repos.get(REPO)).rejects.toMatchObject({ status: 404 });
  });

  it('closes open keep-alive connections on stop', async () => {
    await octokit.rest.rateLimit.get();
    await standIn.stop();
    await expect(fetch(`${baseUrl}/rate_limit`)).rejects.toThrow();
    baseUrl = await standIn.start(0);
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
