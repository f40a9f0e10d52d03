import { GitHubStandIn, sendWebhook } from '@callboard/github-stand-in';
import { ingestionService } from '../src/ingestion.service';
import { isolatedEnv, RunningService, startService } from '../../../test/support/service-harness';
import { TopicProbe } from '../../../test/support/topic-probe';
import { groupFile } from '../../../test/factories/catalog-files';

const SECRET = 'rotated-in-secret';
const PREVIOUS_SECRET = 'rotated-out-secret';
// Short enough that a test can outlive a token; long enough for one push to use one token.
const TOKEN_LIFETIME_MS = 3000;

const group = (name: string) => groupFile(name);

describe('ingestion as a GitHub App (real Kafka, GitHub stand-in issuing installation tokens)', () => {
  // No static token: every read needs an installation token from a verified App JWT.
  const github = new GitHubStandIn({ installationTokenLifetimeMs: TOKEN_LIFETIME_MS });
  let service: RunningService;
  let entityEvents: TopicProbe;
  let deliveryDeadLetters: TopicProbe;
  let webhookUrl: string;
  let installationId: number;

  beforeAll(async () => {
    const apiUrl = await github.start();
    const app = github.createApp({ name: 'Callboard' });
    github.createRepository('acme/placeholder');
    installationId = github.createInstallation(app.id, 'acme', 'all');
    const env: Record<string, string> = {
      ...isolatedEnv('ingestion_app'),
      GITHUB_API_URL: apiUrl,
      GITHUB_APP_ID: String(app.id),
      // As one-line environments carry it.
      GITHUB_APP_PRIVATE_KEY: app.privateKey.trim().replace(/\n/g, '\\n'),
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_WEBHOOK_SECRETS: PREVIOUS_SECRET,
    };
    service = await startService(ingestionService, env);
    webhookUrl = `${service.url}/webhooks/github`;
    entityEvents = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.entity-events.v1`);
    deliveryDeadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  });

  afterAll(async () => {
    await Promise.all([entityEvents?.stop(), deliveryDeadLetters?.stop()]);
    await service?.close();
    await github.stop();
  });

  const tokenExchanges = () => github.requests.filter((r) => r.method === 'POST' && r.path === `/app/installations/${installationId}/access_tokens`);
  const push = async (repository: string, name: string, secret = SECRET) => {
    const commit = github.commit(repository, { files: { 'catalog-info.yaml': group(name) } });
    const response = await sendWebhook({ url: webhookUrl, secret, event: 'push', payload: commit.payload });
    return { commit, response };
  };
  const arrived = (name: string) => entityEvents.waitFor((m) => m.key === `group:default/${name}` && m.json<{ type: string }>().type === 'upsert');

  it('reads a pushed catalog file through the installation named in the payload, with a token the stand-in issued for a verified JWT', async () => {
    github.createRepository('acme/app-teams');
    const { commit, response } = await push('acme/app-teams', 'app-team');
    expect(commit.payload.installation?.id).toBe(installationId);
    expect(response.status).toBe(202);

    const [event] = await arrived('app-team');
    expect(event.json()).toMatchObject({ source: { repository: 'acme/app-teams', commitSha: commit.after, deliveryId: response.deliveryId } });
    // The stand-in only issues a token for a JWT signed with the App's key, within GitHub's time limits.
    expect(tokenExchanges().map((r) => r.status)).toContain(201);
    const reads = github.requests.filter((r) => r.path === '/repos/acme/app-teams/contents/catalog-info.yaml' && r.query.ref === commit.after);
    expect(reads.map((r) => r.status)).toEqual([200]);
    expect(github.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('renews the installation token when it expires between two pushes', async () => {
    github.createRepository('acme/renewals');
    const exchangesBefore = tokenExchanges().length;
    await push('acme/renewals', 'before-expiry');
    await arrived('before-expiry');
    const firstToken = github.installationTokens(installationId).at(-1)!;

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstToken.expiresAt - Date.now()) + 200));
    const { commit } = await push('acme/renewals', 'after-expiry');
    await arrived('after-expiry');

    const secondToken = github.installationTokens(installationId).at(-1)!;
    expect(secondToken.token).not.toBe(firstToken.token);
    expect(secondToken.issuedAt).toBeGreaterThanOrEqual(firstToken.expiresAt - TOKEN_LIFETIME_MS / 5);
    expect(tokenExchanges().length).toBeGreaterThanOrEqual(exchangesBefore + 1);
    // Renewed ahead of time: the expired token was never presented.
    const reads = github.requests.filter((r) => r.path === '/repos/acme/renewals/contents/catalog-info.yaml' && r.query.ref === commit.after);
    expect(reads.map((r) => r.status)).toEqual([200]);
    expect(github.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('accepts a delivery signed with the previous (rotated) secret and refuses an unknown one', async () => {
    github.createRepository('acme/rotation');
    const old = await push('acme/rotation', 'signed-with-previous', PREVIOUS_SECRET);
    expect(old.response.status).toBe(202);
    await arrived('signed-with-previous');

    const unknown = await push('acme/rotation', 'never-accepted', 'some-other-secret');
    expect(unknown.response.status).toBe(401);
    expect(JSON.parse(unknown.response.body).message).toMatch(/does not match/);
    const current = await push('acme/rotation', 'signed-with-current');
    expect(current.response.status).toBe(202);
    await arrived('signed-with-current');
    // The refused delivery was never processed; the next push, compared with that commit, removes what it declared.
    expect(entityEvents.messages.filter((m) => m.key === 'group:default/never-accepted').map((m) => m.json<{ type: string }>().type)).toEqual(['removal']);
  });

  it('dead-letters a push for a repository the App is not installed on, with the reason', async () => {
    github.createRepository('globex/not-installed');
    const { response } = await push('globex/not-installed', 'nowhere');
    expect(response.status).toBe(202);
    const [letter] = await deliveryDeadLetters.waitFor((m) => m.json<{ deliveryId?: string }>().deliveryId === response.deliveryId);
    expect(letter.json()).toMatchObject({ reason: 'the GitHub App is not installed on globex/not-installed', details: { repository: 'globex/not-installed' } });
  });
});
