import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { generateAppKeyPair, JWT_ERRORS, signAppJwt } from './app-jwt';
import { GitHubStandIn } from './github-stand-in';

const STATIC_TOKEN = 'ghp_static';

function appJwt(appId: number, privateKey: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return signAppJwt({ iat: now - 30, exp: now + 300, iss: appId, ...claims }, privateKey);
}

describe('GitHubStandIn as a GitHub App host', () => {
  let github: GitHubStandIn;
  let baseUrl: string;
  let app: ReturnType<GitHubStandIn['createApp']>;
  let installationId: number;

  const octokit = (auth?: string) => new Octokit({ baseUrl, auth, request: { retries: 0 } });
  const asApp = () => new Octokit({ baseUrl, authStrategy: createAppAuth, auth: { appId: app.id, privateKey: app.privateKey } });
  const exchange = (jwt: string, id = installationId, body: Record<string, unknown> = {}) =>
    fetch(`${baseUrl}/app/installations/${id}/access_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const tokenFor = async (id = installationId, body: Record<string, unknown> = {}) => {
    const response = await exchange(appJwt(app.id, app.privateKey), id, body);
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  };

  beforeEach(async () => {
    github = new GitHubStandIn({ token: STATIC_TOKEN });
    baseUrl = await github.start();
    for (const name of ['acme/one', 'acme/two', 'acme/three', 'other/elsewhere']) {
      github.createRepository(name);
      github.commit(name, { files: { 'catalog-info.yaml': `# ${name}\n` } });
    }
    app = github.createApp({ name: 'Callboard' });
    installationId = github.createInstallation(app.id, 'acme', ['one', 'two']);
  });

  afterEach(async () => {
    await github.stop();
  });

  it('serves the App and its installations to the App JWT @octokit/auth-app makes', async () => {
    const client = asApp();
    const { data: self } = await client.rest.apps.getAuthenticated();
    expect(self).toMatchObject({ id: app.id, slug: 'callboard', name: 'Callboard', client_id: app.clientId, installations_count: 1 });
    const otherId = github.createInstallation(app.id, 'other', 'all');

    const installations = await client.paginate(client.rest.apps.listInstallations, { per_page: 1 });
    expect(installations.map((i) => [i.id, i.account && 'login' in i.account ? i.account.login : undefined, i.repository_selection])).toEqual([
      [installationId, 'acme', 'selected'],
      [otherId, 'other', 'all'],
    ]);
    expect(installations[0]).toMatchObject({
      app_id: app.id,
      app_slug: 'callboard',
      target_type: 'Organization',
      access_tokens_url: `${baseUrl}/app/installations/${installationId}/access_tokens`,
      permissions: { contents: 'read', metadata: 'read', members: 'read' },
      suspended_at: null,
    });

    const byRepo = await client.rest.apps.getRepoInstallation({ owner: 'acme', repo: 'two' });
    expect(byRepo.data.id).toBe(installationId);
    await expect(client.rest.apps.getRepoInstallation({ owner: 'acme', repo: 'three' })).rejects.toMatchObject({ status: 404 });
    expect((await client.rest.apps.getOrgInstallation({ org: 'acme' })).data.id).toBe(installationId);
    expect((await client.rest.apps.getUserInstallation({ username: 'other' })).data.id).toBe(otherId);
    await expect(client.rest.apps.getOrgInstallation({ org: 'nobody' })).rejects.toMatchObject({ status: 404 });
  });

  it("refuses App endpoints without a valid JWT, with GitHub's error body", async () => {
    const cases: Array<[string | undefined, string]> = [
      [undefined, JWT_ERRORS.undecodable],
      [STATIC_TOKEN, JWT_ERRORS.undecodable],
      [appJwt(app.id, generateAppKeyPair().privateKey), JWT_ERRORS.undecodable],
      [appJwt(app.id, app.privateKey, { exp: Math.floor(Date.now() / 1000) - 1 }), JWT_ERRORS.expired],
      [appJwt(app.id, app.privateKey, { exp: Math.floor(Date.now() / 1000) + 3600 }), JWT_ERRORS.tooFarAhead],
      [appJwt(app.id, app.privateKey, { iat: Math.floor(Date.now() / 1000) + 120 }), JWT_ERRORS.issuedAt],
      [appJwt(app.id + 1, app.privateKey), JWT_ERRORS.undecodable],
      [appJwt(app.id, app.privateKey, { iss: 'not-an-app' }), JWT_ERRORS.undecodable],
    ];
    for (const [credential, message] of cases) {
      await expect(octokit(credential).rest.apps.getAuthenticated()).rejects.toMatchObject({
        status: 401,
        response: { data: { message, documentation_url: 'https://docs.github.com/rest' } },
      });
      if (credential) {
        const response = await exchange(credential);
        expect([response.status, ((await response.json()) as { message: string }).message]).toEqual([401, message]);
      }
    }
    expect(github.installationTokens()).toEqual([]);
  });

  it('issues installation tokens that reach exactly the installation repositories until they expire', async () => {
    github.setInstallationTokenLifetime(1500);
    const before = Date.now();
    const response = await exchange(appJwt(app.id, app.privateKey));
    expect(response.status).toBe(201);
    const issued = (await response.json()) as { token: string; expires_at: string; repository_selection: string; permissions: Record<string, string> };
    expect(issued).toMatchObject({ token: expect.stringMatching(/^ghs_[A-Za-z0-9]{36}$/), repository_selection: 'selected', permissions: { contents: 'read' } });
    expect(issued.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(issued.expires_at)).toBeGreaterThan(before - 1000);
    expect(Date.parse(issued.expires_at)).toBeLessThanOrEqual(Date.now() + 1500);

    const client = octokit(issued.token);
    const content = await client.rest.repos.getContent({ owner: 'acme', repo: 'one', path: 'catalog-info.yaml' });
    expect(content.status).toBe(200);
    // Not in the installation, or another account's: as if it did not exist.
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'three' })).rejects.toMatchObject({ status: 404 });
    await expect(client.rest.repos.getContent({ owner: 'other', repo: 'elsewhere', path: 'catalog-info.yaml' })).rejects.toMatchObject({ status: 404 });
    const { data: listed } = await client.rest.repos.listForOrg({ org: 'acme' });
    expect(listed.map((r) => r.name).sort()).toEqual(['one', 'two']);
    // The static token keeps working beside App tokens.
    expect((await octokit(STATIC_TOKEN).rest.repos.get({ owner: 'acme', repo: 'three' })).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 401, response: { data: { message: 'Bad credentials' } } });
    await expect(octokit().rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 401 });
    await expect(octokit('ghs_made_up').rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 401 });
  });

  it('follows repository selection changes, and narrows a token to the repositories asked for', async () => {
    const token = await tokenFor();
    const client = octokit(token);
    const list = async () => (await client.paginate('GET /installation/repositories', { per_page: 1 })).map((r) => r.name);
    expect(await list()).toEqual(['one', 'two']);
    const page = await client.request('GET /installation/repositories', { per_page: 1 });
    expect(page.data).toMatchObject({ total_count: 2, repository_selection: 'selected' });
    expect(page.headers.link).toMatch(/rel="next"/);

    github.addInstallationRepositories(installationId, ['three']);
    github.removeInstallationRepositories(installationId, ['one']);
    expect(await list()).toEqual(['two', 'three']);
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 404 });
    github.setInstallationRepositories(installationId, 'all');
    github.createRepository('acme/later');
    expect(await list()).toEqual(['one', 'two', 'three', 'later']);

    const narrow = await exchange(appJwt(app.id, app.privateKey), installationId, { repositories: ['two'] });
    const narrowed = (await narrow.json()) as { token: string; repositories: Array<{ full_name: string }>; repository_selection: string };
    expect(narrowed.repositories.map((r) => r.full_name)).toEqual(['acme/two']);
    await expect(octokit(narrowed.token).rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 404 });
    const outside = await exchange(appJwt(app.id, app.privateKey), installationId, { repositories: ['elsewhere'] });
    expect(outside.status).toBe(422);

    // Without an installation token there is no installation to list.
    await expect(octokit(STATIC_TOKEN).request('GET /installation/repositories')).rejects.toMatchObject({ status: 403 });
  });

  it('stops tokens of suspended and deleted installations', async () => {
    const token = await tokenFor();
    github.suspendInstallation(installationId);
    await expect(octokit(token).rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({
      status: 403,
      response: { data: { message: 'This installation has been suspended' } },
    });
    expect((await exchange(appJwt(app.id, app.privateKey))).status).toBe(403);
    expect((await asApp().rest.apps.getInstallation({ installation_id: installationId })).data.suspended_at).toEqual(expect.any(String));

    github.unsuspendInstallation(installationId);
    expect((await octokit(token).rest.repos.get({ owner: 'acme', repo: 'one' })).status).toBe(200);

    github.deleteInstallation(installationId);
    await expect(octokit(token).rest.repos.get({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 401 });
    expect((await exchange(appJwt(app.id, app.privateKey))).status).toBe(404);
    await expect(asApp().rest.apps.getRepoInstallation({ owner: 'acme', repo: 'one' })).rejects.toMatchObject({ status: 404 });
  });

  it('lets @octokit/auth-app authenticate as the installation end to end', async () => {
    const client = new Octokit({ baseUrl, authStrategy: createAppAuth, auth: { appId: app.id, privateKey: app.privateKey, installationId } });
    const { data } = await client.rest.repos.getContent({ owner: 'acme', repo: 'two', path: 'catalog-info.yaml', mediaType: { format: 'raw' } });
    expect(data).toBe('# acme/two\n');
    await client.rest.repos.get({ owner: 'acme', repo: 'one' });
    // One token, cached by auth-app across requests.
    expect(github.installationTokens(installationId)).toHaveLength(1);
    expect(github.requests.filter((r) => r.method === 'POST').map((r) => [r.path, r.status])).toEqual([
      [`/app/installations/${installationId}/access_tokens`, 201],
    ]);
  });

  it('puts the covering installation into push payloads', () => {
    expect(github.commit('acme/one', { files: { x: '1' } }).payload.installation?.id).toBe(installationId);
    expect(github.commit('acme/three', { files: { x: '1' } }).payload.installation).toBeUndefined();
  });
});
