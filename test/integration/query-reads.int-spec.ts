import { catalogService } from '../../apps/catalog/src/catalog.service';
import { queryService } from '../../apps/query/src/query.service';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';
import { componentEntity, groupEntity, upsertEvent } from '../factories/entity-events';

// The query service reads what the catalog service projects, so both run here on one database.
describe('query service (real FerretDB, fed by the catalog service)', () => {
  let catalog: RunningService;
  let query: RunningService;
  let writer: EntityEventWriter;

  const get = async (path: string) => {
    const response = await fetch(`${query.url}${path}`);
    return { status: response.status, body: (await response.json()) as any };
  };
  const names = async (queryString: string) => {
    const { status, body } = await get(`/api/catalog/entities?${queryString}`);
    expect(status).toBe(200);
    return (body as Array<{ metadata: { name: string } }>).map((e) => e.metadata.name).sort();
  };

  beforeAll(async () => {
    const env = isolatedEnv('query');
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    writer = await EntityEventWriter.connect(env);
    const events = [
      upsertEvent(componentEntity('checkout', { type: 'service' }, { tags: ['java', 'kafka'] })),
      upsertEvent(componentEntity('storefront', { type: 'website' }, { tags: ['typescript'], annotations: { 'backstage.io/techdocs-ref': 'dir:.' } })),
      upsertEvent(componentEntity('ledger', { type: 'service', lifecycle: 'experimental' }, { labels: { 'acme.com/tier': 'gold' } })),
      upsertEvent(groupEntity('team-a')),
    ];
    await writer.send(...events);
    await eventually(async () => ((await names('')).length === 4 ? true : undefined));
  });

  afterAll(async () => {
    await writer?.disconnect();
    await query?.close();
    await catalog?.close();
  });

  it('serves an entity by name in Backstage shape, case-insensitively', async () => {
    const { status, body } = await get('/api/catalog/entities/by-name/Component/Default/Checkout');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'checkout', namespace: 'default', uid: expect.any(String), etag: expect.any(String), tags: ['java', 'kafka'] },
      spec: { type: 'service', lifecycle: 'production', owner: 'group:default/team-a' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
    });
  });

  it('answers an unknown entity with 404 and Backstage error body', async () => {
    const { status, body } = await get('/api/catalog/entities/by-name/component/default/nope');
    expect(status).toBe(404);
    expect(body).toEqual({
      error: { name: 'NotFoundError', message: "No entity named 'nope' found, with kind 'component' in namespace 'default'" },
      // Relative to the API's mount point, as Backstage reports it.
      request: { method: 'GET', url: '/entities/by-name/component/default/nope' },
      response: { statusCode: 404 },
    });
  });

  it('filters with Backstage semantics: AND by comma, OR by repetition, any-of per key, existence', async () => {
    expect(await names('filter=kind=component,spec.type=service')).toEqual(['checkout', 'ledger']);
    expect(await names('filter=KIND=Component,spec.type=website')).toEqual(['storefront']);
    expect(await names('filter=kind=group&filter=spec.type=website')).toEqual(['storefront', 'team-a']);
    expect(await names('filter=spec.type=website,spec.type=service,spec.lifecycle=production')).toEqual(['checkout', 'storefront']);
    expect(await names('filter=metadata.tags=java')).toEqual(['checkout']);
    expect(await names('filter=metadata.tags.kafka')).toEqual(['checkout']);
    expect(await names('filter=metadata.annotations.backstage.io/techdocs-ref')).toEqual(['storefront']);
    expect(await names('filter=metadata.labels.acme.com/tier=gold')).toEqual(['ledger']);
    expect(await names('filter=kind=component,spec.type=nothing')).toEqual([]);
    expect(await names('filter=relations.ownedby=group:default/team-a,spec.type=website')).toEqual(['storefront']);
    expect(await names('filter=relations.ownerof=component:default/ledger')).toEqual(['team-a']);
  });

  it('treats filter values as data, never as query operators', async () => {
    expect(await names(`filter=${encodeURIComponent('kind={"$ne":"x"}')}`)).toEqual([]);
    expect(await names(`filter=${encodeURIComponent('$where=1')}`)).toEqual([]);
    const { status, body } = await get(`/api/catalog/entities?filter=${encodeURIComponent('=component')}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ name: 'InputError', message: expect.stringMatching(/Invalid filter/) });
  });

  it('reports MongoDB on /health', async () => {
    expect((await get('/health')).body).toMatchObject({ status: 'ok', info: { mongodb: { status: 'up' } } });
  });
});
