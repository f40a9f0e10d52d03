import { CATALOG_FILTER_EXISTS, CatalogClient, QueryEntitiesResponse } from '@backstage/catalog-client';
import type { Entity } from '@callboard/entity-model';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { queryService } from '../../apps/query/src/query.service';
import { componentEntity, groupEntity, upsertEvent } from '../factories/entity-events';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';

// The real @backstage/catalog-client against the query service, for every read method it has.
// Expected results are derived from the dataset below, not copied from responses.

const entity = (kind: string, name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', ...metadata },
  spec: spec as Entity['spec'],
});

const TYPES = ['service', 'website', 'library'];
const components = Array.from({ length: 12 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return componentEntity(
    `c${n}`,
    {
      type: TYPES[i % 3],
      // Written in two casings: filters match both, facets report each as written.
      lifecycle: i % 4 === 0 ? 'Production' : 'production',
      owner: i % 2 ? 'group:default/payments' : 'group:default/platform',
      ...(i < 4 ? { system: 'checkout' } : {}),
    },
    { title: `Component ${n}`, tags: i % 4 === 0 ? ['java', 'kafka'] : ['go'], annotations: { 'github.com/project-slug': `acme/c${n}` } },
  );
});
const people = [
  groupEntity('org'),
  groupEntity('platform', { parent: 'org' }),
  groupEntity('payments', { parent: 'org' }),
  entity('User', 'alice', { memberOf: ['platform'] }),
  entity('User', 'bob', { memberOf: ['payments'] }),
];
const apis = [
  entity('System', 'checkout', { owner: 'payments', domain: 'commerce' }),
  entity('Domain', 'commerce', { owner: 'payments' }),
  entity('API', 'pay-api', { type: 'openapi', lifecycle: 'production', owner: 'payments', definition: 'openapi: 3.0.0' }),
];
const FILES = [
  { repository: 'acme/people', entities: people },
  { repository: 'acme/shop', entities: components },
  { repository: 'acme/apis', entities: apis },
];
const ALL = FILES.flatMap((f) => f.entities);
const fileUrl = (repository: string) => `https://github.com/${repository}/blob/main/catalog-info.yaml`;
const names = (items: Array<Entity | undefined>) => items.map((e) => e?.metadata.name);

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
    await writer.send(...FILES.flatMap(({ repository, entities }) => entities.map((e) => upsertEvent(e, { repository }))));
    await writer.disconnect();
    // Relations are stitched last; wait until the final shape is served.
    await eventually(async () => {
      const { items } = await client.getEntities();
      const payments = items.find((e) => e.metadata.name === 'payments');
      return items.length === ALL.length && payments?.relations?.some((r) => r.type === 'ownerOf' && r.targetRef === 'component:default/c12') ? true : undefined;
    });
  });

  afterAll(async () => {
    await query?.close();
    await catalog?.close();
  });

  describe('getEntities', () => {
    it('applies filters in the client encoding: objects, alternatives, existence, relations', async () => {
      const list = async (request: Parameters<CatalogClient['getEntities']>[0]) => names((await client.getEntities(request)).items).sort();
      expect(await list({ filter: { kind: 'API' } })).toEqual(['pay-api']);
      expect(await list({ filter: { kind: 'Component', 'spec.type': ['website', 'library'] } })).toEqual(
        components.filter((c) => c.spec?.type !== 'service').map((c) => c.metadata.name),
      );
      expect(await list({ filter: [{ kind: 'Group', 'spec.parent': CATALOG_FILTER_EXISTS }, { kind: 'User' }] })).toEqual(['alice', 'bob', 'payments', 'platform']);
      expect(await list({ filter: { 'relations.memberOf': 'group:default/payments' } })).toEqual(['bob']);
      expect(await list({ filter: { 'metadata.tags.java': CATALOG_FILTER_EXISTS } })).toEqual(['c01', 'c05', 'c09']);
      expect(await list({ filter: { 'metadata.tags': 'KAFKA' } })).toEqual(['c01', 'c05', 'c09']);
      expect(await list({ filter: { 'spec.lifecycle': 'PRODUCTION', kind: 'component' } })).toHaveLength(components.length);
      expect(await list({ filter: { 'metadata.annotations.github.com/project-slug': 'acme/c07' } })).toEqual(['c07']);
    });

    it('projects fields and orders', async () => {
      const { items } = await client.getEntities({ filter: { kind: 'Component', 'spec.system': 'checkout' }, fields: ['metadata.name', 'spec.type'], order: { field: 'metadata.name', order: 'desc' } });
      expect(items).toEqual(
        components
          .slice(0, 4)
          .reverse()
          .map((c) => ({ metadata: { name: c.metadata.name }, spec: { type: c.spec?.type } })),
      );
    });

    it('pages with offset/limit and with the `after` cursor of the Link header', async () => {
      const refOrder = ALL.map((e) => `${e.kind}:default/${e.metadata.name}`.toLowerCase()).sort();
      const page = await client.getEntities({ fields: ['kind', 'metadata.name'], offset: 2, limit: 3 });
      expect(page.items.map((e) => `${e.kind}:default/${e.metadata.name}`.toLowerCase())).toEqual(refOrder.slice(2, 5));

      const seen: string[] = [];
      let next: string | undefined = '/api/catalog/entities?limit=7&fields=kind,metadata.name';
      while (next) {
        const response = await fetch(`${query.url}${next}`);
        seen.push(...((await response.json()) as Entity[]).map((e) => `${e.kind}:default/${e.metadata.name}`.toLowerCase()));
        next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      }
      expect(seen).toEqual(refOrder);
    });
  });

  it('getEntitiesByRefs answers in request order, undefined for unknown or filtered-out refs', async () => {
    const refs = ['component:default/c03', 'component:default/nope', 'group:default/platform', 'component:default/c03'];
    expect(names((await client.getEntitiesByRefs({ entityRefs: refs })).items)).toEqual(['c03', undefined, 'platform', 'c03']);
    const filtered = await client.getEntitiesByRefs({ entityRefs: refs, filter: { kind: 'Component' }, fields: ['metadata.name'] });
    expect(filtered.items).toEqual([{ metadata: { name: 'c03' } }, undefined, undefined, { metadata: { name: 'c03' } }]);
  });

  describe('queryEntities', () => {
    async function pageThrough(first: QueryEntitiesResponse): Promise<QueryEntitiesResponse[]> {
      const pages = [first];
      while (pages[pages.length - 1].pageInfo.nextCursor) {
        pages.push(await client.queryEntities({ cursor: pages[pages.length - 1].pageInfo.nextCursor!, limit: 5 }));
      }
      return pages;
    }

    async function pageBack(last: QueryEntitiesResponse): Promise<QueryEntitiesResponse[]> {
      const pages = [last];
      while (pages[0].pageInfo.prevCursor) pages.unshift(await client.queryEntities({ cursor: pages[0].pageInfo.prevCursor!, limit: 5 }));
      return pages;
    }

    it('pages through the whole catalog by cursor, forwards and back', async () => {
      const first = await client.queryEntities({ orderFields: { field: 'metadata.name', order: 'asc' }, limit: 5 });
      expect(first.totalItems).toBe(ALL.length);
      expect(first.pageInfo.prevCursor).toBeUndefined();
      const forward = await pageThrough(first);
      const expected = ALL.map((e) => e.metadata.name).sort();
      expect(forward.flatMap((p) => names(p.items))).toEqual(expected);
      expect(forward.slice(0, -1).every((p) => p.items.length === 5)).toBe(true);
      const backward = await pageBack(forward[forward.length - 1]);
      expect(backward.map((p) => names(p.items))).toEqual(forward.map((p) => names(p.items)));
    });

    it('keeps the filter and order in the cursor (filtered cursors go by POST)', async () => {
      const first = await client.queryEntities({ filter: { kind: 'Component' }, orderFields: { field: 'metadata.title', order: 'desc' }, limit: 5, fields: ['metadata.name'] });
      const pages = await pageThrough(first);
      const expected = components.map((c) => c.metadata.name).sort().reverse();
      expect(pages.flatMap((p) => names(p.items))).toEqual(expected);
      expect(first.totalItems).toBe(components.length);
      const back = await pageBack(pages[pages.length - 1]);
      expect(back.flatMap((p) => names(p.items))).toEqual(expected);
    });

    it('searches full text, case-insensitively, in the given fields', async () => {
      const { items, totalItems } = await client.queryEntities({ fullTextFilter: { term: 'COMPONENT 1', fields: ['metadata.title'] }, orderFields: { field: 'metadata.name', order: 'asc' } });
      expect(names(items)).toEqual(['c10', 'c11', 'c12']);
      expect(totalItems).toBe(3);
    });

    it('evaluates predicate queries', async () => {
      const run = async (q: Record<string, unknown>) =>
        names((await client.queryEntities({ query: q as never, orderFields: { field: 'metadata.name', order: 'asc' } })).items);
      expect(await run({ $all: [{ kind: 'component' }, { $not: { 'spec.type': { $in: ['service', 'website'] } } }] })).toEqual(['c03', 'c06', 'c09', 'c12']);
      expect(await run({ 'metadata.name': { $hasPrefix: 'C0' }, 'metadata.tags': { $contains: 'java' } })).toEqual(['c01', 'c05', 'c09']);
      expect(await run({ relations: { $contains: { type: 'memberOf', targetRef: { $in: ['group:default/platform'] } } } })).toEqual(['alice']);
      expect(await run({ $any: [{ kind: 'domain' }, { kind: 'system' }] })).toEqual(['checkout', 'commerce']);
      await expect(client.queryEntities({ query: { kind: { $in: 'x' } } as never })).rejects.toMatchObject({ statusCode: 400, body: { error: { name: 'InputError', message: expect.stringMatching(/^Invalid query/) } } });
    });

    it('leaves totalItems out when asked to', async () => {
      const page = await client.queryEntities({ filter: { kind: 'Component' }, limit: 2, totalItems: 'exclude' });
      expect(page.totalItems).toBe(0);
      expect(page.items).toHaveLength(2);
    });

    it('streams every entity', async () => {
      const streamed: Entity[] = [];
      for await (const page of client.streamEntities({ pageSize: 4 })) streamed.push(...page);
      expect(names(streamed).sort()).toEqual(ALL.map((e) => e.metadata.name).sort());
    });
  });

  it('getEntityByRef returns the served entity, and undefined for an unknown ref', async () => {
    const c01 = await client.getEntityByRef('component:default/c01');
    expect(c01).toMatchObject({ kind: 'Component', metadata: { name: 'c01', tags: ['java', 'kafka'] }, relations: expect.arrayContaining([{ type: 'ownedBy', targetRef: 'group:default/platform' }]) });
    expect(await client.getEntityByRef({ kind: 'Component', namespace: 'Default', name: 'C01' })).toMatchObject({ metadata: { name: 'c01' } });
    expect(await client.getEntityByRef('component:default/nope')).toBeUndefined();
  });

  it('getEntityFacets counts values as written, over the filtered entities', async () => {
    const { facets } = await client.getEntityFacets({ facets: ['spec.type', 'metadata.tags', 'spec.lifecycle'], filter: { kind: 'Component' } });
    expect(facets['spec.type']).toEqual(TYPES.slice().sort().map((type) => ({ value: type, count: components.filter((c) => c.spec?.type === type).length })));
    expect(facets['metadata.tags']).toEqual([
      { value: 'go', count: 9 },
      { value: 'java', count: 3 },
      { value: 'kafka', count: 3 },
    ]);
    expect(facets['spec.lifecycle']).toEqual([
      { value: 'Production', count: 3 },
      { value: 'production', count: 9 },
    ]);
    const byQuery = await client.getEntityFacets({ facets: ['kind'], query: { 'spec.owner': { $exists: true } } as never });
    expect(byQuery.facets.kind).toEqual([
      { value: 'API', count: 1 },
      { value: 'Component', count: 12 },
      { value: 'Domain', count: 1 },
      { value: 'System', count: 1 },
    ]);
  });

  it('getEntityAncestors answers with the entity as its own root', async () => {
    const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/c02' });
    expect(ancestry.rootEntityRef).toBe('component:default/c02');
    expect(ancestry.items).toEqual([{ entity: expect.objectContaining({ metadata: expect.objectContaining({ name: 'c02' }) }), parentEntityRefs: [] }]);
    await expect(client.getEntityAncestors({ entityRef: 'component:default/nope' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('serves the files entities come from as locations', async () => {
    const { items } = await client.getLocations();
    expect(items.map((l) => l.target).sort()).toEqual(FILES.map((f) => fileUrl(f.repository)).sort());
    expect(items.every((l) => l.type === 'url' && /^[0-9a-f-]{36}$/.test(l.id))).toBe(true);
    const shop = items.find((l) => l.target === fileUrl('acme/shop'))!;
    expect(await client.getLocationById(shop.id)).toEqual(shop);
    expect(await client.getLocationById('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await client.getLocationByRef(`url:${fileUrl('acme/shop')}`)).toEqual(shop);
    expect(await client.getLocationByEntity('component:default/c07')).toEqual(shop);
    expect(await client.getLocationByEntity('component:default/nope')).toBeUndefined();

    const queried = await client.queryLocations({ query: { target: { $hasPrefix: 'https://github.com/acme/' } }, limit: 2 });
    expect(queried.totalItems).toBe(FILES.length);
    const streamed: string[] = [];
    for await (const page of client.streamLocations({ query: { type: 'url' }, limit: 1 })) streamed.push(...page.map((l) => l.id));
    expect(streamed).toEqual(items.map((l) => l.id).sort());
  });

  it('validateEntity: valid, invalid for its kind, a non-url location and a non-entity, as Backstage answers them', async () => {
    const component = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'candidate' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
    const location = 'url:https://github.com/acme/candidate/blob/main/catalog-info.yaml';
    await expect(client.validateEntity(component, location)).resolves.toEqual({ valid: true });

    const withoutLifecycle = { ...component, spec: { type: 'service', owner: 'team-a' } };
    const invalid = await client.validateEntity(withoutLifecycle, location);
    expect(invalid).toMatchObject({ valid: false, errors: [{ name: 'InputError', message: expect.stringContaining('lifecycle') }] });

    await expect(client.validateEntity(component, 'file:/tmp/catalog-info.yaml')).resolves.toEqual({
      valid: false,
      errors: [{ name: 'TypeError', message: "Invalid location ref file:/tmp/catalog-info.yaml, only 'url:<target>' is supported, e.g. url:https://host/path" }],
    });
    const notAnEntity = await client.validateEntity({ kind: 'Component' } as unknown as Entity, location);
    expect(notAnEntity).toMatchObject({ valid: false, errors: [{ name: 'TypeError', message: expect.stringContaining('apiVersion') }] });
    // Nothing was stored.
    expect(await client.getEntityByRef('component:default/candidate')).toBeUndefined();
  });

  it('refuses catalog writes with a NotAllowedError that says where the catalog comes from', async () => {
    const [entity] = (await client.getEntities({ filter: { kind: 'component' }, limit: 1 })).items;
    for (const write of [
      () => client.removeEntityByUid(entity.metadata.uid!),
      () => client.addLocation({ type: 'url', target: 'https://github.com/acme/new/blob/main/catalog-info.yaml' }),
      () => client.removeLocationById('3e1d3ac8-8f3c-5d2f-9f5a-1c9b8d7e6f5a'),
    ]) {
      await expect(write()).rejects.toMatchObject({ statusCode: 403, body: { error: { name: 'NotAllowedError', message: expect.stringContaining('read from GitHub') } } });
    }
    // Still there.
    expect((await client.getEntityByRef(`component:default/${entity.metadata.name}`))?.metadata.uid).toBe(entity.metadata.uid);
  });

  it('gives the client Backstage error bodies it can parse', async () => {
    await expect(client.getEntities({ fields: ['metadata.tags[0]'] })).rejects.toMatchObject({
      statusCode: 400,
      body: { error: { name: 'InputError', message: 'Invalid field "metadata.tags[0]", array type fields are not supported' }, response: { statusCode: 400 } },
    });
    await expect(client.queryEntities({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ statusCode: 400, body: { error: { message: expect.stringMatching(/^Malformed cursor/) } } });
  });
});
