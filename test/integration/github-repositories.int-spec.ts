import type { Entity } from '@callboard/entity-model';
import { GitHubStandIn } from '@callboard/github-stand-in';
import { reconcile } from '../../apps/ingestion/src/reconcile';
import { GithubAppPipeline, startGithubAppPipeline } from '../support/github-app-pipeline';
import { eventually, RunningService } from '../support/service-harness';
import { catalogReader } from '../support/catalog-reader';
import { webhookDeliverer } from '../support/webhook-deliverer';
import { repositoryPayload as repositoryPayloadOf, webhookExample } from '../support/webhook-examples';
import { componentFile } from '../factories/catalog-files';

// Repository lifecycle end to end: signed deliveries built from the real payloads in
// @octokit/webhooks-examples → ingestion (as a GitHub App) → Kafka → catalog → FerretDB →
// query API, against the GitHub stand-in.

const SECRET = 'repositories-test-secret';
const ORG = 'acme';

const example = webhookExample;

const component = (name: string, options: { description?: string } = {}) => componentFile(name, { description: options.description ?? `the ${name} service` });

describe('repositories in the catalog: pushes, repository and installation events, refresh, reconciliation', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let pipeline: GithubAppPipeline;
  let env: Record<string, string>;
  let ingestion: RunningService;
  let query: RunningService;
  let installationId: number;

  beforeAll(async () => {
    pipeline = await startGithubAppPipeline(github, { label: 'repositories', org: ORG, secret: SECRET, env: { CATALOG_FILE_PATHS: '**/catalog-info.yaml' } });
    ({ env, ingestion, query, installationId } = pipeline);
  });

  afterAll(async () => pipeline?.close());

  /** A repository of the organisation that the App's installation covers. */
  const createRepository = (name: string, options: { defaultBranch?: string } = {}) => pipeline.createRepository(name, options);
  const deliver = webhookDeliverer(() => ingestion.url, SECRET);
  const pushCommit = async (repository: string, files: Record<string, string | null>) => {
    const commit = github.commit(`${ORG}/${repository}`, { files });
    await deliver('push', commit.payload);
    return commit;
  };
  /** The real `repository` payload of an action, describing the stand-in's repository as it is now. */
  const repositoryPayload = (template: Record<string, unknown>, id: number, fullName: string, fields: Record<string, unknown> = {}) =>
    repositoryPayloadOf(template, { id, fullName, installationId, fields });

  const { read, served, gone } = catalogReader(() => query.url);
  const managedBy = (entity: Entity) => entity.metadata.annotations?.['backstage.io/managed-by-location'];

  it('reads a nested catalog file a push touched, with CATALOG_FILE_PATHS as a glob', async () => {
    createRepository('monorepo');
    await pushCommit('monorepo', { 'catalog-info.yaml': component('monorepo-root') });
    await served('component', 'monorepo-root');
    // Not the branch's first push: only the files its commits touched are read.
    const commit = await pushCommit('monorepo', { 'services/a/catalog-info.yaml': component('service-a'), 'services/a/README.md': '# a' });
    expect(commit.payload.created).toBe(false);
    const entity = await served('component', 'service-a');
    expect(managedBy(entity)).toBe(`url:https://github.com/${ORG}/monorepo/blob/main/services/a/catalog-info.yaml`);
    expect(github.requests.some((r) => r.path === `/repos/${ORG}/monorepo/contents/services/a/catalog-info.yaml` && r.query.ref === commit.after)).toBe(true);
  });

  it('reads the whole repository again after a forced push, whose commit list names no file', async () => {
    createRepository('forced');
    await pushCommit('forced', { 'catalog-info.yaml': component('forced-before') });
    await served('component', 'forced-before');
    const rewritten = github.commit(`${ORG}/forced`, { files: { 'catalog-info.yaml': null, 'teams/x/catalog-info.yaml': component('forced-after') } });
    // A force-push to rewritten history: GitHub lists only the new commits, here none.
    await deliver('push', { ...rewritten.payload, forced: true, commits: [] });
    await served('component', 'forced-after');
    await gone('component', 'forced-before');
    expect(github.requests.some((r) => r.path.startsWith(`/repos/${ORG}/forced/git/trees/`) && r.query.recursive === '1')).toBe(true);
  });

  // GitHub's push times are whole seconds: pushes within one second carry no order of their own.
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

  it('ends in the newer state when two pushes are delivered in reverse order', async () => {
    createRepository('reordered');
    const first = github.commit(`${ORG}/reordered`, { files: { 'catalog-info.yaml': component('reordered-service', { description: 'first' }) } });
    await nextSecond();
    const second = github.commit(`${ORG}/reordered`, { files: { 'catalog-info.yaml': component('reordered-service', { description: 'second' }), 'b/catalog-info.yaml': component('reordered-b') } });
    await deliver('push', second.payload);
    await served('component', 'reordered-b');
    await deliver('push', first.payload);
    // A repository's deliveries are handled in order: once a later one is served, the older one has been handled.
    await pushCommit('reordered', { 'marker/catalog-info.yaml': component('reordered-marker') });
    await served('component', 'reordered-marker');
    expect((await read('component', 'reordered-service'))?.metadata.description).toBe('second');
    expect(await read('component', 'reordered-b')).not.toBeNull();
  });

  /** Commits in one second of GitHub's clock (its times are whole seconds), just after a second begins. */
  const inOneSecond = async <T>(commits: () => T[]): Promise<T[]> => {
    await new Promise((resolve) => setTimeout(resolve, 1_050 - (Date.now() % 1_000)));
    return commits();
  };
  const timesOf = (commit: ReturnType<GitHubStandIn['commit']>) => [commit.payload.repository.pushed_at, commit.payload.head_commit?.timestamp];
  const branchReads = (repository: string) => github.requests.filter((r) => r.path.startsWith(`/repos/${ORG}/${repository}/branches/`)).length;

  it('ends on the newer commit when two pushes of the same second are delivered in reverse order, the commit chain telling them apart', async () => {
    createRepository('same-second');
    await pushCommit('same-second', { 'catalog-info.yaml': component('same-second-service', { description: 'initial' }) });
    await served('component', 'same-second-service');
    const [first, second] = await inOneSecond(() => [
      // The older push also adds a file the newer one does not touch: it must still arrive.
      github.commit(`${ORG}/same-second`, { files: { 'catalog-info.yaml': component('same-second-service', { description: 'first' }), 'a/catalog-info.yaml': component('same-second-a') } }),
      github.commit(`${ORG}/same-second`, { files: { 'catalog-info.yaml': component('same-second-service', { description: 'second' }) } }),
    ]);
    expect(timesOf(second)).toEqual(timesOf(first));
    expect(second.payload.before).toBe(first.after);
    await deliver('push', second.payload);
    await served('component', 'same-second-service', (e) => e.metadata.description === 'second');
    await deliver('push', first.payload);
    await served('component', 'same-second-a');
    // A repository's deliveries are handled in order: once a later one is served, the older one has been handled.
    await pushCommit('same-second', { 'marker/catalog-info.yaml': component('same-second-marker') });
    await served('component', 'same-second-marker');
    expect((await read('component', 'same-second-service'))?.metadata.description).toBe('second');
    // The chain alone decided: the branch was not read.
    expect(branchReads('same-second')).toBe(0);
  });

  it('reads the branch head when pushes of the same second arrive with no chain between them, and ends on the newest', async () => {
    createRepository('same-second-three');
    await pushCommit('same-second-three', { 'catalog-info.yaml': component('same-second-three-service', { description: 'initial' }) });
    await served('component', 'same-second-three-service');
    const [first, second, third] = await inOneSecond(() =>
      ['first', 'second', 'third'].map((description) => github.commit(`${ORG}/same-second-three`, { files: { 'catalog-info.yaml': component('same-second-three-service', { description }) } })),
    );
    expect(timesOf(third)).toEqual(timesOf(first));
    await deliver('push', third.payload);
    await served('component', 'same-second-three-service', (e) => e.metadata.description === 'third');
    // Neither the first's after nor its before is the third's: only the branch can say.
    await deliver('push', first.payload);
    await deliver('push', second.payload);
    await pushCommit('same-second-three', { 'marker/catalog-info.yaml': component('same-second-three-marker') });
    await served('component', 'same-second-three-marker');
    expect((await read('component', 'same-second-three-service'))?.metadata.description).toBe('third');
    expect(branchReads('same-second-three')).toBeGreaterThan(0);
  });

  it('applies pushes of the same second delivered in order, without reading the branch', async () => {
    createRepository('same-second-ordered');
    await pushCommit('same-second-ordered', { 'catalog-info.yaml': component('same-second-ordered-service', { description: 'initial' }) });
    await served('component', 'same-second-ordered-service');
    const [first, second] = await inOneSecond(() =>
      ['first', 'second'].map((description) => github.commit(`${ORG}/same-second-ordered`, { files: { 'catalog-info.yaml': component('same-second-ordered-service', { description }) } })),
    );
    expect(timesOf(second)).toEqual(timesOf(first));
    await deliver('push', first.payload);
    await served('component', 'same-second-ordered-service', (e) => e.metadata.description === 'first');
    await deliver('push', second.payload);
    await served('component', 'same-second-ordered-service', (e) => e.metadata.description === 'second');
    expect(branchReads('same-second-ordered')).toBe(0);
  });

  it('follows a force-push back to an older commit, although that commit is older than the pushes it undoes', async () => {
    createRepository('rewound');
    const old = await pushCommit('rewound', { 'catalog-info.yaml': component('rewound-service', { description: 'old' }) });
    await served('component', 'rewound-service');
    await nextSecond();
    await pushCommit('rewound', { 'catalog-info.yaml': component('rewound-service', { description: 'new' }), 'extra/catalog-info.yaml': component('rewound-extra') });
    await served('component', 'rewound-extra');
    await nextSecond();
    const back = github.forcePush(`${ORG}/rewound`, old.after);
    expect(Date.parse(back.payload.head_commit!.timestamp)).toBeLessThan(Number(back.payload.repository.pushed_at) * 1000);
    await deliver('push', back.payload);
    await gone('component', 'rewound-extra');
    await served('component', 'rewound-service', (e) => e.metadata.description === 'old');
  });

  it('brings an unarchived repository back although its last push was recorded later than its head commit', async () => {
    const id = createRepository('late-push');
    const commit = github.commit(`${ORG}/late-push`, { files: { 'catalog-info.yaml': component('late-push-service') } });
    // As on GitHub, where pushed_at follows the commit's own time by the time it took to push.
    const pushedAt = Number(commit.payload.repository.pushed_at) + 30;
    await deliver('push', { ...commit.payload, repository: { ...commit.payload.repository, pushed_at: pushedAt } });
    await served('component', 'late-push-service');
    github.setArchived(`${ORG}/late-push`, true);
    await deliver('repository', { ...repositoryPayload(example('repository', 'created'), id, `${ORG}/late-push`, { archived: true }), action: 'archived' });
    await gone('component', 'late-push-service');
    github.setArchived(`${ORG}/late-push`, false);
    await deliver('repository', { ...repositoryPayload(example('repository', 'created'), id, `${ORG}/late-push`), action: 'unarchived' });
    await served('component', 'late-push-service');
  });

  it('follows Location targets in the same repository, relative or full URLs, and a push touching only a target', async () => {
    createRepository('locations');
    const root = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: all-teams
spec:
  targets:
    - ./catalog/teams.yaml
    - https://github.com/${ORG}/locations/blob/main/catalog/more.yaml
`;
    await pushCommit('locations', { 'catalog-info.yaml': root, 'catalog/teams.yaml': component('located-a'), 'catalog/more.yaml': component('located-b') });
    const a = await served('component', 'located-a');
    await served('component', 'located-b');
    expect(managedBy(a)).toBe(`url:https://github.com/${ORG}/locations/blob/main/catalog/teams.yaml`);
    expect(a.metadata.annotations?.['backstage.io/managed-by-origin-location']).toBe(`url:https://github.com/${ORG}/locations/blob/main/catalog-info.yaml`);
    // The Location stays an entity, as Backstage serves it.
    expect(await served('location', 'all-teams')).toMatchObject({ spec: { targets: expect.any(Array) } });

    // teams.yaml matches no catalog path; the record knows the root that leads to it.
    await pushCommit('locations', { 'catalog/teams.yaml': component('located-c') });
    await served('component', 'located-c');
    await gone('component', 'located-a');
  });

  it('removes an archived repository\'s entities and brings them back when it is unarchived; removes a deleted one\'s', async () => {
    const id = createRepository('shelved');
    await pushCommit('shelved', { 'catalog-info.yaml': component('shelved-service') });
    await served('component', 'shelved-service');

    // @octokit/webhooks-examples has no `archived` or `unarchived` example: built from the
    // real `created` payload with GitHub's documented shape (action + repository.archived).
    github.setArchived(`${ORG}/shelved`, true);
    await deliver('repository', { ...repositoryPayload(example('repository', 'created'), id, `${ORG}/shelved`, { archived: true }), action: 'archived' });
    await gone('component', 'shelved-service');
    github.setArchived(`${ORG}/shelved`, false);
    await deliver('repository', { ...repositoryPayload(example('repository', 'created'), id, `${ORG}/shelved`), action: 'unarchived' });
    await served('component', 'shelved-service');

    const deletedId = createRepository('doomed');
    await pushCommit('doomed', { 'catalog-info.yaml': component('doomed-service') });
    await served('component', 'doomed-service');
    github.deleteRepository(`${ORG}/doomed`);
    // Nor a `deleted` example: the same, with action `deleted`.
    await deliver('repository', { ...repositoryPayload(example('repository', 'created'), deletedId, `${ORG}/doomed`), action: 'deleted' });
    await gone('component', 'doomed-service');
  });

  it('moves a renamed repository\'s entities to the new URLs, keeping uid and history', async () => {
    const id = createRepository('old-name');
    await pushCommit('old-name', { 'catalog-info.yaml': component('renamed-service') });
    const before = await served('component', 'renamed-service');
    github.renameRepository(`${ORG}/old-name`, 'new-name');
    const renamed = repositoryPayload(example('repository', 'renamed'), id, `${ORG}/new-name`);
    expect(renamed.changes).toEqual({ repository: { name: { from: expect.any(String) } } });
    await deliver('repository', { ...renamed, changes: { repository: { name: { from: 'old-name' } } } });

    const newLocation = `url:https://github.com/${ORG}/new-name/blob/main/catalog-info.yaml`;
    const after = await served('component', 'renamed-service', (e) => managedBy(e) === newLocation);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.annotations?.['backstage.io/view-url']).toBe(`https://github.com/${ORG}/new-name/blob/main/catalog-info.yaml`);
    const history = await eventually(async () => {
      const body = (await (await fetch(`${query.url}/api/catalog/entities/by-name/component/default/renamed-service/history`)).json()) as { items: Array<{ type: string; uid: string }> };
      return body.items.length >= 2 ? body.items : undefined;
    });
    expect([history[0].type, history.at(-1)!.type]).toEqual(['updated', 'created']);
    expect(new Set(history.map((h) => h.uid))).toEqual(new Set([before.metadata.uid]));
    // Not a conflict with its own former location.
    const conflicts = (await (await fetch(`${query.url}/api/catalog/conflicts`)).json()) as unknown[];
    expect(JSON.stringify(conflicts)).not.toContain('renamed-service');
  });

  it('removes the entities of a repository taken out of the installation, and reads it when added back', async () => {
    const id = createRepository('selected');
    await pushCommit('selected', { 'catalog-info.yaml': component('selected-service') });
    await served('component', 'selected-service');
    const adapt = (action: 'added' | 'removed') => {
      const payload = example('installation_repositories', action);
      const listed = [{ id, node_id: 'MDEwOlJlcG9zaXRvcnkx', name: 'selected', full_name: `${ORG}/selected`, private: false }];
      return { ...payload, installation: { ...(payload.installation as object), id: installationId }, repositories_added: action === 'added' ? listed : [], repositories_removed: action === 'removed' ? listed : [] };
    };

    github.removeInstallationRepositories(installationId, [`${ORG}/selected`]);
    await deliver('installation_repositories', adapt('removed'));
    await gone('component', 'selected-service');
    github.addInstallationRepositories(installationId, [`${ORG}/selected`]);
    await deliver('installation_repositories', adapt('added'));
    await served('component', 'selected-service');
  });

  it('re-reads a location on POST /api/catalog/refresh: a change pushed without a webhook becomes visible', async () => {
    createRepository('refreshing');
    await pushCommit('refreshing', { 'catalog-info.yaml': component('refreshed-service', { description: 'before' }) });
    await served('component', 'refreshed-service', (e) => e.metadata.description === 'before');
    github.commit(`${ORG}/refreshing`, { files: { 'catalog-info.yaml': component('refreshed-service', { description: 'after' }) } });

    const response = await fetch(`${query.url}/api/catalog/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entityRef: 'component:default/refreshed-service' }) });
    expect(response.status).toBe(200);
    const after = await served('component', 'refreshed-service', (e) => e.metadata.description === 'after');
    expect(after.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:https://github.com/${ORG}/refreshing/blob/main/catalog-info.yaml`);
  });

  it('reconciliation removes what a missed deletion left behind and reads what a missed push added', async () => {
    createRepository('missed');
    await pushCommit('missed', { 'catalog-info.yaml': component('missed-deletion') });
    await served('component', 'missed-deletion');
    // GitHub Apps never receive repository.deleted; nor is anything delivered for these.
    github.deleteRepository(`${ORG}/missed`);
    createRepository('unannounced');
    github.commit(`${ORG}/unannounced`, { files: { 'services/z/catalog-info.yaml': component('never-pushed') } });

    const saved = { ...process.env };
    Object.assign(process.env, env);
    let outcome: Awaited<ReturnType<typeof reconcile>>;
    try {
      outcome = await reconcile(['--installation', String(installationId)]);
    } finally {
      process.env = saved;
    }
    expect(outcome.failures).toEqual([]);
    expect(outcome.removedRepositories).toBe(1);
    await gone('component', 'missed-deletion');
    await served('component', 'never-pushed');
    // Everything else the installation reaches is unchanged.
    expect(await read('component', 'service-a')).not.toBeNull();
  });

  // Last: it takes the whole installation away and back.
  it('removes an installation\'s entities when it is suspended and reads them again when unsuspended', async () => {
    await served('component', 'selected-service');
    const adapt = (action: 'suspend' | 'unsuspend') => {
      const payload = example('installation', action);
      return { ...payload, installation: { ...(payload.installation as object), id: installationId, account: { ...((payload.installation as { account: object }).account), login: ORG } } };
    };
    github.suspendInstallation(installationId);
    await deliver('installation', adapt('suspend'));
    await gone('component', 'selected-service');
    await gone('component', 'service-a');

    github.unsuspendInstallation(installationId);
    await deliver('installation', adapt('unsuspend'));
    await served('component', 'selected-service');
    await served('component', 'service-a');
  });
});
