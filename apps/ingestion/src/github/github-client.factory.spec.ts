import { Logger } from '@nestjs/common';
import { parseEnv } from '@callboard/config';
import { GitHubStandIn } from '@callboard/github-stand-in';
import { ingestionConfigSchema } from '../ingestion.config';
import { GithubAppNotInstalledError, GithubClientFactory } from './github-client.factory';
import { GithubContentsRepository } from './github-contents.repository';

const config = (env: Record<string, string>) =>
  parseEnv(ingestionConfigSchema, { GITHUB_WEBHOOK_SECRET: 's', GITHUB_MAX_RETRIES: '2', GITHUB_REQUEST_TIMEOUT_MS: '500', LOG_LEVEL: 'silent', ...env });

describe('GithubClientFactory (against the GitHub stand-in)', () => {
  let github: GitHubStandIn;
  let apiUrl: string;

  // Octokit's request log would drown the output (each test file has its own Logger).
  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    github = new GitHubStandIn({ token: 'ghp_static' });
    apiUrl = await github.start();
    for (const name of ['acme/svc', 'acme/private-stuff']) {
      github.createRepository(name);
      github.commit(name, { files: { 'catalog-info.yaml': `# ${name}\n` } });
    }
  });

  afterEach(async () => {
    await github.stop();
  });

  const tokenExchanges = () => github.requests.filter((r) => r.method === 'POST' && /\/access_tokens$/.test(r.path));

  describe('with a token', () => {
    it('uses one client with the token, whatever installation a delivery names', async () => {
      const factory = new GithubClientFactory(config({ GITHUB_API_URL: apiUrl, GITHUB_TOKEN: 'ghp_static' }));
      expect(factory.forInstallation(1)).toBe(factory.forInstallation(undefined));
      const contents = new GithubContentsRepository(factory);
      expect(await contents.readFile({ fullName: 'acme/svc', installationId: 99 }, 'catalog-info.yaml', 'main')).toBe('# acme/svc\n');
      expect(() => factory.forApp()).toThrow(/not configured as a GitHub App/);
    });

    it('waits the retry plugin\'s first delay for each request\'s first retry, however many requests retried before', async () => {
      const contents = new GithubContentsRepository(new GithubClientFactory(config({ GITHUB_API_URL: apiUrl, GITHUB_TOKEN: 'ghp_static', GITHUB_MAX_RETRIES: '1' })));
      const timedRead = async () => {
        github.failNext(/\/contents\//, 1, 502);
        const started = Date.now();
        expect(await contents.readFile({ fullName: 'acme/svc' }, 'catalog-info.yaml', 'main')).toBe('# acme/svc\n');
        return Date.now() - started;
      };
      await timedRead();
      // One shared retry count made the second call wait (1 + 1)² s instead of 1 s.
      expect(await timedRead()).toBeLessThan(2500);
    });
  });

  describe('as a GitHub App', () => {
    let app: ReturnType<GitHubStandIn['createApp']>;
    let installationId: number;
    let factory: GithubClientFactory;
    let contents: GithubContentsRepository;

    beforeEach(() => {
      app = github.createApp();
      installationId = github.createInstallation(app.id, 'acme', ['svc']);
      factory = new GithubClientFactory(config({ GITHUB_API_URL: apiUrl, GITHUB_APP_ID: String(app.id), GITHUB_APP_PRIVATE_KEY: app.privateKey }));
      contents = new GithubContentsRepository(factory);
    });

    const read = (repo = 'acme/svc', options: { installationId?: number } = { installationId }) =>
      contents.readFile({ fullName: repo, installationId: options.installationId }, 'catalog-info.yaml', 'main');

    it('reads through the installation with one cached token, and one client per installation', async () => {
      expect(await read()).toBe('# acme/svc\n');
      expect(await read()).toBe('# acme/svc\n');
      expect(tokenExchanges().map((r) => r.status)).toEqual([201]);
      expect(factory.forInstallation(installationId)).toBe(factory.forInstallation(installationId));
      expect(factory.forInstallation(installationId)).not.toBe(factory.forInstallation(installationId + 1));
      // Outside the installation a repository does not exist, as on GitHub.
      expect(await read('acme/private-stuff')).toBeNull();
    });

    it('exchanges a new token when the cached one nears its expiry', async () => {
      github.setInstallationTokenLifetime(1500);
      await read();
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(await read()).toBe('# acme/svc\n');
      expect(tokenExchanges()).toHaveLength(2);
      // The expired token was never sent.
      expect(github.requests.filter((r) => r.status === 401)).toEqual([]);
    });

    it('drops a token GitHub stopped accepting, so the next attempt gets a new one', async () => {
      await read();
      github.expireInstallationTokens(installationId); // revoked early, unknown to the client
      await expect(read()).rejects.toMatchObject({ status: 401 });
      expect(await read()).toBe('# acme/svc\n');
      expect(tokenExchanges()).toHaveLength(2);
    });

    it('retries a failed token exchange with the retry plugin', async () => {
      github.failNext(/\/access_tokens$/, 1, 502);
      expect(await read()).toBe('# acme/svc\n');
      expect(tokenExchanges().map((r) => r.status)).toEqual([502, 201]);
    });

    it('bounds every request, token exchange included, by GITHUB_REQUEST_TIMEOUT_MS', async () => {
      const noRetries = new GithubClientFactory(
        config({ GITHUB_API_URL: apiUrl, GITHUB_APP_ID: String(app.id), GITHUB_APP_PRIVATE_KEY: app.privateKey, GITHUB_MAX_RETRIES: '0' }),
      );
      github.delayNext(/\/access_tokens$/, 1, Infinity);
      const started = Date.now();
      await expect(new GithubContentsRepository(noRetries).readFile({ fullName: 'acme/svc', installationId }, 'catalog-info.yaml', 'main')).rejects.toMatchObject({
        status: 500,
        message: expect.stringMatching(/timeout/i),
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('finds the installation of a repository when a delivery names none, and says when there is none', async () => {
      expect(await read('acme/svc', {})).toBe('# acme/svc\n');
      expect(github.requests.some((r) => r.path === '/repos/acme/svc/installation' && r.status === 200)).toBe(true);
      await expect(read('acme/private-stuff', {})).rejects.toBeInstanceOf(GithubAppNotInstalledError);
      expect(() => factory.forInstallation(undefined)).toThrow(GithubAppNotInstalledError);
    });
  });
});
