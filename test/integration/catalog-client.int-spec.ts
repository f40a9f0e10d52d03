import { CATALOG_FILTER_EXISTS, CatalogClient } from '@backstage/catalog-client';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { queryService } from '../../apps/query/src/query.service';
import { componentEntity, groupEntity, upsertEvent } from '../factories/entity-events';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';

// The real @backstage/catalog-client against the query service, for the reads this service
// implements so far (the rest of the client's methods belong to the query API issue).
describe('@backstage/catalog-client against the query service', () => {
  let catalog: RunningService;
  let query: RunningService;
  let client: CatalogClient;

  beforeAll(async () => {
    const env = isolatedEnv('client');
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => `${query.url}/api/catalog` } });
    const writer = await EntityEventWriter.connect(env);
    const events = [
      upsertEvent(groupEntity('guild')),
      upsertEvent(componentEntity('alpha', { owner: 'guild', type: 'service' })),
      upsertEvent(componentEntity('beta', { owner: 'guild', type: 'website' })),
    ];
    await writer.send(...events);
    await writer.disconnect();
    await eventually(async () => {
      const guild = await client.getEntityByRef('group:default/guild');
      return guild && guild.relations?.length === 2 ? true : undefined;
    });
  });

  afterAll(async () => {
    await query?.close();
    await catalog?.close();
  });

  it('getEntities honours fields, order, offset and limit', async () => {
    const { items } = await client.getEntities({ filter: { kind: 'Component' }, fields: ['metadata.name', 'spec.type'], order: { field: 'metadata.name', order: 'desc' } });
    expect(items).toEqual([
      { metadata: { name: 'beta' }, spec: { type: 'website' } },
      { metadata: { name: 'alpha' }, spec: { type: 'service' } },
    ]);
    const paged = await client.getEntities({ fields: ['metadata.name'], order: { field: 'metadata.name', order: 'asc' }, offset: 1, limit: 1 });
    expect(paged.items).toEqual([{ metadata: { name: 'beta' } }]);
    // The client parses our error body as Backstage's: name, message and status.
    await expect(client.getEntities({ fields: ['metadata.tags[0]'] })).rejects.toMatchObject({
      statusCode: 400,
      body: { error: { name: 'InputError', message: expect.stringMatching(/array type fields/) }, response: { statusCode: 400 } },
    });
    const bad = await fetch(`${query.url}/api/catalog/entities?limit=-1`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/limit/);
  });

  it('getEntityByRef returns the served entity, and undefined for an unknown ref', async () => {
    const alpha = await client.getEntityByRef('component:default/alpha');
    expect(alpha).toMatchObject({ kind: 'Component', metadata: { name: 'alpha', namespace: 'default' }, relations: [{ type: 'ownedBy', targetRef: 'group:default/guild' }] });
    expect(await client.getEntityByRef({ kind: 'Component', namespace: 'default', name: 'Alpha' })).toMatchObject({ metadata: { name: 'alpha' } });
    expect(await client.getEntityByRef('component:default/nope')).toBeUndefined();
  });

  it('getEntities applies filters in the client\'s encoding (objects, arrays of alternatives, existence)', async () => {
    const names = async (filter: Parameters<CatalogClient['getEntities']>[0]) =>
      (await client.getEntities(filter)).items.map((e) => e.metadata.name).sort();
    expect(await names({ filter: { kind: 'Component' } })).toEqual(['alpha', 'beta']);
    expect(await names({ filter: { kind: 'Component', 'spec.type': ['website', 'library'] } })).toEqual(['beta']);
    expect(await names({ filter: [{ kind: 'Group' }, { 'spec.type': 'service' }] })).toEqual(['alpha', 'guild']);
    expect(await names({ filter: { 'relations.ownerOf': 'component:default/beta' } })).toEqual(['guild']);
    expect(await names({ filter: { kind: 'Component', 'spec.owner': CATALOG_FILTER_EXISTS } })).toEqual(['alpha', 'beta']);
    expect(await names({ filter: { 'spec.children': CATALOG_FILTER_EXISTS } })).toEqual([]);
  });
});
