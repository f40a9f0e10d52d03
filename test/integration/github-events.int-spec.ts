import type { Entity } from '@callboard/entity-model';
import { GitHubStandIn } from '@callboard/github-stand-in';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { ingestionService } from '../../apps/ingestion/src/ingestion.service';
import { queryService } from '../../apps/query/src/query.service';
import { isolatedEnv, RunningService, startService } from '../support/service-harness';
import { TopicProbe } from '../support/topic-probe';
import { catalogReader } from '../support/catalog-reader';
import { webhookDeliverer } from '../support/webhook-deliverer';
import { repositoryPayload as repositoryPayloadOf, webhookExample } from '../support/webhook-examples';
import { componentFile } from '../factories/catalog-files';

// The events and actions of docs/ingestion-events.md that github-repositories.int-spec.ts does
// not cover: each starts from the real payload in @octokit/webhooks-examples (adapted to the
// stand-in's repository), is sent signed to the real ingestion service (as a GitHub App, real
// Kafka and FerretDB behind it), and the catalog's state is read through the query API.

const SECRET = 'github-events-secret';
const ORG = 'acme';

const example = webhookExample;

const component = (name: string) => componentFile(name);

describe('every repository-side event and action (docs/ingestion-events.md)', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let services: RunningService[] = [];
  let ingestion: RunningService;
  let query: RunningService;
  let appId: number;
  let installationId: number;
  let deliveryDeadLetters: TopicProbe;
  const sent: string[] = [];

  beforeAll(async () => {
    const apiUrl = await github.start();
    const app = github.createApp({ name: 'Callboard' });
    appId = app.id;
    github.createRepository(`${ORG}/placeholder`);
    installationId = github.createInstallation(app.id, ORG, ['placeholder']);
    const env: Record<string, string> = {
      ...isolatedEnv('github_events'),
      GITHUB_API_URL: apiUrl,
      GITHUB_APP_ID: String(app.id),
      GITHUB_APP_PRIVATE_KEY: app.privateKey,
      GITHUB_WEBHOOK_SECRET: SECRET,
      CATALOG_FILE_PATHS: '**/catalog-info.yaml',
    };
    ingestion = await startService(ingestionService, env);
    services = [ingestion, await startService(catalogService, env), (query = await startService(queryService, env))];
    deliveryDeadLetters = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.github.deliveries.v1.dlq`);
  });

  afterAll(async () => {
    await deliveryDeadLetters?.stop();
    for (const service of services.reverse()) await service.close();
    await github.stop();
  });

  afterEach(() => {
    // Every delivery a test sent was acknowledged and processed, none parked.
    const parked = deliveryDeadLetters.messages.map((m) => m.json<{ deliveryId?: string; reason?: string }>()).filter((m) => sent.includes(m.deliveryId ?? ''));
    expect(parked).toEqual([]);
  });

  const createRepository = (fullName: string, options: { defaultBranch?: string; install?: boolean } = {}) => {
    const id = github.createRepository(fullName, options);
    if (options.install !== false) github.addInstallationRepositories(installationId, [fullName]);
    return id;
  };
  const accepted = webhookDeliverer(() => ingestion.url, SECRET);
  const deliver = async (event: string, payload: unknown) => {
    const response = await accepted(event, payload);
    sent.push(response.deliveryId);
    return response;
  };
  /** The real `repository` payload of an action, describing the stand-in's repository as it is now. */
  const repositoryPayload = (template: Record<string, unknown>, id: number, fullName: string, fields: Record<string, unknown> = {}, through = installationId) =>
    repositoryPayloadOf(template, { id, fullName, installationId: through, fields });
  const catalog = catalogReader(() => query.url);
  const read = catalog.read;
  const served = (name: string, ready?: (e: Entity) => boolean) => catalog.served('component', name, ready);
  const gone = (name: string) => catalog.gone('component', name);
  const managedBy = (entity: Entity) => entity.metadata.annotations?.['backstage.io/managed-by-location'];
  const treeReads = (fullName: string) => github.requests.filter((r) => r.path.startsWith(`/repos/${fullName}/git/trees/`));

  it('push creating the default branch (before all zeros, created: true) reads the whole repository', async () => {
    createRepository(`${ORG}/fresh`);
    const first = github.commit(`${ORG}/fresh`, { files: { 'catalog-info.yaml': component('fresh-root'), 'deep/x/catalog-info.yaml': component('fresh-deep') } });
    expect(first.payload).toMatchObject({ created: true, before: '0'.repeat(40) });
    // Whatever the commit list says, a new branch is read whole: here it names nothing.
    await deliver('push', { ...first.payload, commits: [] });
    await served('fresh-root');
    await served('fresh-deep');
    expect(treeReads(`${ORG}/fresh`).some((r) => r.query.recursive === '1')).toBe(true);
  });

  it('push listing 2048 commits (GitHub cuts the list there) reads the whole repository', async () => {
    createRepository(`${ORG}/busy`);
    await deliver('push', github.commit(`${ORG}/busy`, { files: { 'catalog-info.yaml': component('busy-before') } }).payload);
    await served('busy-before');
    const big = github.commit(`${ORG}/busy`, { files: { 'catalog-info.yaml': component('busy-after') } });
    const { id, timestamp } = (big.payload.commits as Array<{ id: string; timestamp: string }>)[0];
    // The catalog file's change is in a commit beyond the listed 2048 (kept small: the whole
    // delivery is one Kafka message).
    const commits = Array.from({ length: 2048 }, (_, i) => ({ id, message: `c${i}`, timestamp, added: [], removed: [], modified: [`docs/${i}.md`] }));
    await deliver('push', { ...big.payload, commits });
    await served('busy-after');
    await gone('busy-before');
  });

  it('push to a default branch other than the recorded one reads the whole repository; entities move to the new branch keeping their uid', async () => {
    createRepository(`${ORG}/rebased`);
    await deliver('push', github.commit(`${ORG}/rebased`, { files: { 'catalog-info.yaml': component('rebased-service') } }).payload);
    const before = await served('rebased-service');
    github.commit(`${ORG}/rebased`, { branch: 'trunk', files: { 'README.md': '# trunk' } });
    github.setDefaultBranch(`${ORG}/rebased`, 'trunk');
    // No repository.edited delivered (missed): the push to the new default branch notices it.
    const push = github.commit(`${ORG}/rebased`, { branch: 'trunk', files: { 'README.md': '# trunk again' } });
    expect(push.payload).toMatchObject({ ref: 'refs/heads/trunk', created: false, repository: { default_branch: 'trunk' } });
    await deliver('push', push.payload);
    const after = await served('rebased-service', (e) => managedBy(e) === `url:https://github.com/${ORG}/rebased/blob/trunk/catalog-info.yaml`);
    expect(after.metadata.uid).toBe(before.metadata.uid);
  });

  it('repository.edited with a default-branch change moves the entities to the new branch, keeping their uid', async () => {
    const id = createRepository(`${ORG}/edited`);
    await deliver('push', github.commit(`${ORG}/edited`, { files: { 'catalog-info.yaml': component('edited-service') } }).payload);
    const before = await served('edited-service');
    github.commit(`${ORG}/edited`, { branch: 'develop', files: { 'catalog-info.yaml': component('edited-service') } });
    github.setDefaultBranch(`${ORG}/edited`, 'develop');
    const payload = repositoryPayload(example('repository', 'edited', (e) => JSON.stringify(e.changes).includes('default_branch')), id, `${ORG}/edited`, { default_branch: 'develop' });
    expect(payload.changes).toEqual({ default_branch: { from: 'main' } });
    await deliver('repository', payload);
    const after = await served('edited-service', (e) => managedBy(e) === `url:https://github.com/${ORG}/edited/blob/develop/catalog-info.yaml`);
    expect(after.metadata.uid).toBe(before.metadata.uid);
  });

  it('repository.edited without a default-branch change, publicized and privatized change nothing', async () => {
    const id = createRepository(`${ORG}/described`);
    await deliver('push', github.commit(`${ORG}/described`, { files: { 'catalog-info.yaml': component('described-service') } }).payload);
    const before = await served('described-service');
    const reads = github.requests.length;
    await deliver('repository', repositoryPayload(example('repository', 'edited', (e) => JSON.stringify(e.changes).includes('description')), id, `${ORG}/described`));
    await deliver('repository', repositoryPayload(example('repository', 'publicized'), id, `${ORG}/described`));
    await deliver('repository', repositoryPayload(example('repository', 'privatized'), id, `${ORG}/described`));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await read('component', 'described-service'))?.metadata.etag).toBe(before.metadata.etag);
    expect(github.requests.slice(reads).filter((r) => r.path.includes('/described'))).toEqual([]);
  });

  it('repository.created reads the new repository', async () => {
    const id = createRepository(`${ORG}/born`);
    // Files committed without a push delivered: the created event alone brings them in.
    github.commit(`${ORG}/born`, { files: { 'catalog-info.yaml': component('born-service') } });
    await deliver('repository', repositoryPayload(example('repository', 'created', (e) => 'installation' in e), id, `${ORG}/born`));
    const entity = await served('born-service');
    expect(managedBy(entity)).toBe(`url:https://github.com/${ORG}/born/blob/main/catalog-info.yaml`);
  });

  it('repository.transferred to an organisation the App is installed on moves the entities there, keeping their uid', async () => {
    const id = createRepository(`${ORG}/moving`);
    await deliver('push', github.commit(`${ORG}/moving`, { files: { 'catalog-info.yaml': component('moving-service') } }).payload);
    const before = await served('moving-service');
    github.transferRepository(`${ORG}/moving`, 'acme-labs');
    const labsInstallation = github.createInstallation(appId, 'acme-labs', 'all');
    // Delivered through the new owner's installation, as GitHub does.
    const payload = repositoryPayload(example('repository', 'transferred', (e) => 'installation' in e), id, 'acme-labs/moving', {}, labsInstallation);
    await deliver('repository', payload);
    const after = await served('moving-service', (e) => managedBy(e) === 'url:https://github.com/acme-labs/moving/blob/main/catalog-info.yaml');
    expect(after.metadata.uid).toBe(before.metadata.uid);
  });

  /** An owner of its own with the App installed on it and one repository declaring `service`, served, then renamed in GitHub. */
  const servedThenOwnerRenamed = async (owner: string, renamed: string, service: string) => {
    const installation = github.createInstallation(appId, owner, 'all');
    github.createRepository(`${owner}/svc`);
    await deliver('push', { ...github.commit(`${owner}/svc`, { files: { 'catalog-info.yaml': component(service) } }).payload, installation: { id: installation } });
    const before = await served(service);
    expect(managedBy(before)).toBe(`url:https://github.com/${owner}/svc/blob/main/catalog-info.yaml`);
    github.renameOwner(owner, renamed);
    return { installation, before };
  };
  const movedKeepingUid = async (service: string, renamed: string, before: Entity) => {
    const after = await served(service, (e) => managedBy(e) === `url:https://github.com/${renamed}/svc/blob/main/catalog-info.yaml`);
    expect(after.metadata.uid).toBe(before.metadata.uid);
  };

  it('installation_target.renamed (the account the App is installed on renamed) moves its repositories\' entities to the new URLs, keeping their uid', async () => {
    const { installation, before } = await servedThenOwnerRenamed('acme-old', 'acme-new', 'renamed-owner-service');
    // @octokit/webhooks-examples has no installation_target example: built from GitHub's
    // documented schema (action, account, changes.login.from, installation, target_type, sender).
    const sender = example('installation', 'created').sender as Record<string, unknown>;
    await deliver('installation_target', {
      action: 'renamed',
      account: { id: 9_000_001, login: 'acme-new', node_id: 'O_kgDOB', type: 'Organization', html_url: 'https://github.com/acme-new', avatar_url: 'https://avatars.githubusercontent.com/u/9000001?v=4' },
      changes: { login: { from: 'acme-old' } },
      installation: { id: installation, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
      target_type: 'Organization',
      sender,
    });
    await movedKeepingUid('renamed-owner-service', 'acme-new', before);
  });

  it('organization.renamed moves the organisation\'s repositories\' entities to the new URLs too, keeping their uid', async () => {
    const { installation, before } = await servedThenOwnerRenamed('acme-before', 'acme-after', 'org-renamed-service');
    const payload = example('organization', 'renamed');
    payload.organization = { ...(payload.organization as object), login: 'acme-after', url: 'https://api.github.com/orgs/acme-after' };
    payload.installation = { id: installation, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
    await deliver('organization', payload);
    await movedKeepingUid('org-renamed-service', 'acme-after', before);
  });

  it('a rescan finds a nested catalog file past a truncated recursive tree listing', async () => {
    const id = createRepository(`${ORG}/huge`);
    const filler = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a-docs/page-${i}.md`, `# ${i}`]));
    github.commit(`${ORG}/huge`, { files: { ...filler, 'z-services/api/deep/catalog-info.yaml': component('huge-nested'), 'catalog-info.yaml': component('huge-root') } });
    github.setRecursiveTreeLimit(5);
    try {
      await deliver('repository', repositoryPayload(example('repository', 'created', (e) => 'installation' in e), id, `${ORG}/huge`));
      await served('huge-nested');
      await served('huge-root');
      // The truncated listing was walked level by level.
      expect(treeReads(`${ORG}/huge`).some((r) => r.query.recursive === undefined)).toBe(true);
    } finally {
      github.setRecursiveTreeLimit(undefined);
    }
  });

  it('reads a repository through a GitHub serving no branches, commits or /repositories/{id} endpoints: the branch tree and contents at the branch', async () => {
    const id = createRepository(`${ORG}/lean`);
    github.commit(`${ORG}/lean`, { files: { 'catalog-info.yaml': component('lean-service'), 'svc/catalog-info.yaml': component('lean-nested') } });
    for (const endpoint of ['branches', 'commits', 'repositories-by-id'] as const) github.setEndpointServed(endpoint, false);
    try {
      await deliver('repository', repositoryPayload(example('repository', 'created', (e) => 'installation' in e), id, `${ORG}/lean`));
      await served('lean-service');
      await served('lean-nested');
      expect(github.requests.some((r) => r.path === `/repos/${ORG}/lean/git/trees/main`)).toBe(true);
      expect(github.requests.some((r) => r.path === `/repos/${ORG}/lean/contents/catalog-info.yaml` && r.query.ref === 'main')).toBe(true);

      // A later push names its head commit, so it needs none of them either.
      const push = github.commit(`${ORG}/lean`, { files: { 'svc/catalog-info.yaml': null } });
      await deliver('push', push.payload);
      await gone('lean-nested');
      expect(await read('component', 'lean-service')).not.toBeNull();
    } finally {
      for (const endpoint of ['branches', 'commits', 'repositories-by-id'] as const) github.setEndpointServed(endpoint, true);
    }
  });

  it('installation.created reads the repositories of the new installation; new_permissions_accepted changes nothing; installation.deleted takes them out', async () => {
    github.createRepository('initech/tps');
    github.commit('initech/tps', { files: { 'catalog-info.yaml': component('tps-reports') } });
    const initech = github.createInstallation(appId, 'initech', 'all');
    const adapt = (action: string) => {
      const payload = example('installation', action);
      const installation = payload.installation as Record<string, unknown>;
      return {
        ...payload,
        installation: { ...installation, id: initech, account: { ...(installation.account as object), login: 'initech', type: 'Organization' } },
        ...('repositories' in payload ? { repositories: [{ id: 1, node_id: 'MDEwOlJlcG9zaXRvcnkx', name: 'tps', full_name: 'initech/tps', private: false }] } : {}),
      };
    };
    await deliver('installation', adapt('created'));
    const before = await served('tps-reports');

    await deliver('installation', adapt('new_permissions_accepted'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await read('component', 'tps-reports'))?.metadata.etag).toBe(before.metadata.etag);

    github.deleteInstallation(initech);
    await deliver('installation', adapt('deleted'));
    await gone('tps-reports');
  });

  it('ping, events ingestion does not handle and repository actions it ignores are acknowledged and processed without error', async () => {
    await deliver('ping', example('ping'));
    await deliver('member', example('member', 'added'));
    await deliver('star', example('star', 'created'));
    createRepository(`${ORG}/after-noise`);
    // The partitions moved on: a push after them arrives.
    await deliver('push', github.commit(`${ORG}/after-noise`, { files: { 'catalog-info.yaml': component('after-noise') } }).payload);
    await served('after-noise');
  });
});
