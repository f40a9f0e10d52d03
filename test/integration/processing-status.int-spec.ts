import { CatalogClient } from '@backstage/catalog-client';
import type { Entity } from '@callboard/entity-model';
import { GitHubStandIn } from '@callboard/github-stand-in';
import { componentFile } from '../factories/catalog-files';
import { catalogReader } from '../support/catalog-reader';
import { GithubAppPipeline, startGithubAppPipeline } from '../support/github-app-pipeline';
import { eventually, RunningService } from '../support/service-harness';
import { webhookDeliverer } from '../support/webhook-deliverer';

// Processing errors as a file's author and a portal see them (issue 13): an invalid version of a
// served entity in its status.items, every file's status with its documents' outcomes, Location
// targets that are missing or not followed, conflicts in the contender's file status. Pushes go
// through the GitHub stand-in, ingestion, Kafka, the catalog and the query service; entities are
// read with the real @backstage/catalog-client.

const SECRET = 'processing-status-secret';
const ORG = 'acme';

interface DocumentStatus {
  index: number;
  line?: number;
  entityRef?: string;
  outcome: string;
  served: boolean;
  owner?: string;
  errors: Array<{ name: string; message: string; line?: number; field?: string; code?: string }>;
}
interface LocationStatus {
  id: string;
  target: string;
  repository: string;
  path: string;
  commitSha: string;
  readAt: string;
  level: string;
  documents: DocumentStatus[];
  conflicts: Array<{ entityRef: string; ownerLocation: string }>;
}

type StatusItem = { type: string; level: string; message: string; error?: { name: string; message: string } };
/** Backstage's Entity type leaves `status` out; the catalog serves it. */
const statusOf = (entity: Entity | undefined) => (entity as (Entity & { status?: { items?: StatusItem[] } }) | undefined)?.status;

const locationFile = (name: string, spec: Record<string, unknown>) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: ${name}\nspec:\n${Object.entries(spec)
    .map(([k, v]) => `  ${k}: ${Array.isArray(v) ? `\n${v.map((x) => `    - ${x}`).join('\n')}` : v}`)
    .join('\n')}\n`;

describe('processing errors visible through the API', () => {
  const github = new GitHubStandIn({ installationTokenLifetimeMs: 60_000 });
  let pipeline: GithubAppPipeline;
  let ingestion: RunningService;
  let query: RunningService;
  let client: CatalogClient;

  beforeAll(async () => {
    pipeline = await startGithubAppPipeline(github, { label: 'processing_status', org: ORG, secret: SECRET });
    ({ ingestion, query } = pipeline);
    client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => `${query.url}/api/catalog` } });
  });

  afterAll(async () => pipeline?.close());

  const deliver = webhookDeliverer(() => ingestion.url, SECRET);
  const createRepository = (name: string) => void pipeline.createRepository(name);
  const push = async (repository: string, files: Record<string, string | null>) => {
    const commit = github.commit(`${ORG}/${repository}`, { files });
    await deliver('push', commit.payload);
    return commit;
  };
  const { served, gone } = catalogReader(() => query.url);
  const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${query.url}${path}`);
    return { status: response.status, body: (await response.json()) as T };
  };
  /** The status of the files of a repository once `ready` holds for them. */
  const statusesOf = (repository: string, ready: (items: LocationStatus[]) => boolean) =>
    eventually(async () => {
      const { status, body } = await getJson<{ items: LocationStatus[] }>(`/api/catalog/location-status?repository=${ORG}/${repository}`);
      return status === 200 && ready(body.items) ? body.items : undefined;
    });
  const fileUrl = (repository: string, path = 'catalog-info.yaml') => `https://github.com/${ORG}/${repository}/blob/main/${path}`;

  it('keeps serving an entity whose file now holds an invalid version, with the error in status.items, until the file is fixed', async () => {
    createRepository('status-shop');
    const first = await push('status-shop', { 'catalog-info.yaml': componentFile('shop-api', { description: 'valid' }) });
    await served('component', 'shop-api');
    const location = await client.getLocationByEntity('component:default/shop-api');
    expect(location?.target).toBe(fileUrl('status-shop'));
    const { body: healthy } = await getJson<LocationStatus>(`/api/catalog/locations/${location!.id}/status`);
    expect(healthy).toMatchObject({ commitSha: first.after, level: 'ok', documents: [{ index: 0, entityRef: 'component:default/shop-api', outcome: 'accepted', served: true, errors: [] }] });

    // The owner is gone: Backstage rejects the document; the valid version stays served.
    const broken = await push('status-shop', { 'catalog-info.yaml': componentFile('shop-api', { description: 'broken' }).replace('  owner: team-a\n', '') });
    const withError = await eventually(async () => {
      const entity = await client.getEntityByRef('component:default/shop-api');
      return statusOf(entity)?.items?.length ? entity : undefined;
    });
    expect(withError.metadata.description).toBe('valid');
    expect(statusOf(withError)!.items).toEqual([
      { type: 'backstage.io/catalog-processing', level: 'error', message: expect.stringMatching(/^InputError: .*owner/), error: { name: 'InputError', message: expect.stringContaining('catalog-info.yaml') } },
    ]);
    const { body: rejected } = await getJson<LocationStatus>(`/api/catalog/locations/${location!.id}/status`);
    expect(rejected).toMatchObject({ commitSha: broken.after, level: 'error', repository: `${ORG}/status-shop`, path: 'catalog-info.yaml' });
    expect(rejected.documents).toEqual([
      expect.objectContaining({ index: 0, entityRef: 'component:default/shop-api', outcome: 'rejected', served: false, errors: [expect.objectContaining({ name: 'InputError', code: 'missing-field', field: 'spec.owner', line: 6, message: expect.stringContaining('spec.owner is required') })] }),
    ]);
    expect(Date.parse(rejected.readAt)).toBeGreaterThanOrEqual(Date.parse(healthy.readAt));

    await push('status-shop', { 'catalog-info.yaml': componentFile('shop-api', { description: 'fixed' }) });
    const fixed = await served('component', 'shop-api', (e: Entity) => e.metadata.description === 'fixed' && statusOf(e) === undefined);
    expect(statusOf(fixed)).toBeUndefined();
    await eventually(async () => ((await getJson<LocationStatus>(`/api/catalog/locations/${location!.id}/status`)).body.level === 'ok' ? true : undefined));
    expect((await getJson(`/api/catalog/locations/00000000-0000-5000-8000-000000000000/status`)).status).toBe(404);
  });

  it('does not serve a Location whose target file does not exist, and says why in its file status', async () => {
    createRepository('status-missing');
    await push('status-missing', { 'catalog-info.yaml': `${componentFile('missing-sibling')}---\n${locationFile('missing-target', { type: 'url', target: './nowhere.yaml' })}` });
    await served('component', 'missing-sibling');
    const [file] = await statusesOf('status-missing', (items) => items.length === 1);
    const document = file.documents.find((d) => d.entityRef === 'location:default/missing-target');
    expect(document).toMatchObject({ index: 1, outcome: 'rejected', served: false, errors: [{ name: 'NotFoundError', code: 'target-not-found', message: expect.stringContaining('nowhere.yaml') }] });
    expect(await client.getEntityByRef('location:default/missing-target')).toBeUndefined();
  });

  it('follows a relative type: file target inside the repository and reports the targets it does not follow', async () => {
    createRepository('status-targets');
    await push('status-targets', {
      'catalog-info.yaml': locationFile('many-targets', { type: 'file', targets: ['./services.yaml', '/etc/catalog/everything.yaml'] }) + `---\n${locationFile('elsewhere', { target: 'https://github.com/other-org/other-repo/blob/main/catalog-info.yaml' })}`,
      'services.yaml': componentFile('file-target-service'),
    });
    await served('component', 'file-target-service');
    const items = await statusesOf('status-targets', (list) => list.length === 2);
    const root = items.find((i) => i.path === 'catalog-info.yaml')!;
    expect(root.level).toBe('error');
    const [many, elsewhere] = root.documents;
    expect(many).toMatchObject({ entityRef: 'location:default/many-targets', outcome: 'accepted', served: true, errors: [{ code: 'target-not-followed', message: expect.stringContaining('/etc/catalog/everything.yaml') }] });
    expect(elsewhere).toMatchObject({ entityRef: 'location:default/elsewhere', errors: [{ code: 'target-not-followed', message: expect.stringContaining('other repositories') }] });
    expect(items.find((i) => i.path === 'services.yaml')).toMatchObject({ level: 'ok', documents: [{ entityRef: 'component:default/file-target-service', outcome: 'accepted' }] });
  });

  it("adds a conflict to the contender's file status, and lists statuses by repository and by owner", async () => {
    createRepository('status-first');
    createRepository('status-second');
    await push('status-first', { 'catalog-info.yaml': componentFile('contested') });
    await served('component', 'contested');
    await push('status-second', { 'catalog-info.yaml': componentFile('contested').replace('owner: team-a', 'owner: group:default/team-b') });
    const [contender] = await statusesOf('status-second', (items) => items.length === 1 && items[0].conflicts.length === 1);
    expect(contender.conflicts).toEqual([expect.objectContaining({ entityRef: 'component:default/contested', ownerLocation: `url:${fileUrl('status-first')}` })]);
    expect(contender.documents).toEqual([expect.objectContaining({ entityRef: 'component:default/contested', outcome: 'accepted', served: false, errors: [expect.objectContaining({ name: 'ConflictError', message: expect.stringContaining(fileUrl('status-first')) })] })]);
    expect(contender.level).toBe('error');

    const byTeam = await getJson<{ items: LocationStatus[] }>('/api/catalog/location-status?owner=team-b');
    expect(byTeam.body.items.map((i) => i.repository)).toEqual([`${ORG}/status-second`]);
    const byOrg = await getJson<{ items: LocationStatus[] }>(`/api/catalog/location-status?owner=${ORG.toUpperCase()}`);
    expect(byOrg.body.items.map((i) => i.repository)).toEqual(expect.arrayContaining([`${ORG}/status-first`, `${ORG}/status-second`, `${ORG}/status-shop`]));
    expect((await getJson('/api/catalog/location-status?colour=red')).status).toBe(400);
  });

  it('serves a generated Location entity per catalog file, as Backstage discovery does: ancestry, getLocationByRef and by-name agree', async () => {
    createRepository('generated-locations');
    await push('generated-locations', { 'catalog-info.yaml': componentFile('generated-child') });
    await served('component', 'generated-child');
    const target = fileUrl('generated-locations');
    const location = await eventually(async () => client.getLocationByRef(`url:${target}`));
    expect(location.entityRef).toMatch(/^location:default\/generated-[0-9a-f]{40}$/);
    const generated = await client.getEntityByRef(location.entityRef);
    expect(generated).toMatchObject({ kind: 'Location', spec: { type: 'url', target }, metadata: { annotations: expect.objectContaining({ 'backstage.io/managed-by-location': `url:${target}`, 'backstage.io/managed-by-origin-location': `url:${target}` }) } });
    const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/generated-child' });
    expect(ancestry.rootEntityRef).toBe('component:default/generated-child');
    expect(ancestry.items.map((i) => [`${i.entity.kind}:${i.entity.metadata.name}`, i.parentEntityRefs])).toEqual([
      ['Component:generated-child', [location.entityRef]],
      [`Location:${location.entityRef.split('/')[1]}`, []],
    ]);
    await push('generated-locations', { 'catalog-info.yaml': null });
    await gone('component', 'generated-child');
    await eventually(async () => ((await client.getEntityByRef(location.entityRef)) === undefined ? true : undefined));
  });

  it('drops the status of a file that is deleted', async () => {
    await push('status-missing', { 'catalog-info.yaml': null });
    await gone('component', 'missing-sibling');
    await statusesOf('status-missing', (items) => items.length === 0);
  });
});
