import { catalogService } from '../../apps/catalog/src/catalog.service';
import { queryService } from '../../apps/query/src/query.service';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';
import { componentEntity, groupEntity, upsertEvent } from '../factories/entity-events';
import { TopicProbe } from '../support/topic-probe';

// The query service reads what the catalog service projects, so both run here on one database.
describe('query service (real FerretDB, fed by the catalog service)', () => {
  let catalog: RunningService;
  let query: RunningService;
  let writer: EntityEventWriter;
  let env: Record<string, string>;

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
    env = { ...isolatedEnv('query'), CORS_ORIGINS: 'https://portal.example.com' };
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

  it('reports MongoDB and the read model on /health', async () => {
    expect((await get('/health')).body).toMatchObject({ status: 'ok', info: { mongodb: { status: 'up' }, readModel: { status: 'up', ready: true, entities: 4 } } });
  });

  it('answers a matching If-None-Match with 304 on entity reads, and a changed entity with 200', async () => {
    const path = '/api/catalog/entities/by-name/component/default/ledger';
    const first = await fetch(`${query.url}${path}`);
    const etag = first.headers.get('etag');
    const { metadata } = (await first.json()) as { metadata: { etag: string; uid: string } };
    expect(etag).toBe(`"${metadata.etag}"`);
    expect((await fetch(`${query.url}${path}`, { headers: { 'If-None-Match': etag! } })).status).toBe(304);
    expect((await fetch(`${query.url}/api/catalog/entities/by-uid/${metadata.uid}`, { headers: { 'If-None-Match': etag! } })).status).toBe(304);

    await writer.send(upsertEvent(componentEntity('ledger', { type: 'service', lifecycle: 'production' }, { labels: { 'acme.com/tier': 'gold' } }), { sourceVersion: 2 }));
    const changed = await eventually(async () => {
      const response = await fetch(`${query.url}${path}`, { headers: { 'If-None-Match': etag! } });
      return response.status === 200 ? response : undefined;
    });
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { spec: { lifecycle: string } }).spec.lifecycle).toBe('production');
    // Lists get a content ETag too (Express's; it honours a no-cache request by answering in full,
    // so this asks the way a browser cache revalidates, without fetch()'s added no-cache).
    const list = await fetch(`${query.url}/api/catalog/entities`);
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${query.url}/api/catalog/entities`, { headers: { 'If-None-Match': list.headers.get('etag')! } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(304);
  });

  it('compresses with gzip or br, as the client accepts', async () => {
    const { request } = await import('node:http');
    const encodingFor = (accept: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        request(`${query.url}/api/catalog/entities`, { headers: { 'Accept-Encoding': accept } }, (res) => {
          res.resume();
          resolve(res.headers['content-encoding']);
        })
          .on('error', reject)
          .end();
      });
    expect(await encodingFor('gzip')).toBe('gzip');
    expect(await encodingFor('br')).toBe('br');
    expect(await encodingFor('identity')).toBeUndefined();
  });

  it('allows the configured browser origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${query.url}/api/catalog/entities`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' } });
    expect((await preflight('https://portal.example.com')).headers.get('access-control-allow-origin')).toBe('https://portal.example.com');
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('publishes an OpenAPI 3.1 document generated from the code, and a Swagger UI', async () => {
    const { status, body } = await get('/api/catalog/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/catalog/entities',
      '/api/catalog/entities/by-query',
      '/api/catalog/entities/by-refs',
      '/api/catalog/entities/by-uid/{uid}',
      '/api/catalog/entities/by-name/{kind}/{namespace}/{name}',
      '/api/catalog/entities/by-name/{kind}/{namespace}/{name}/ancestry',
      '/api/catalog/entity-facets',
      '/api/catalog/locations',
      '/api/catalog/locations/{id}',
      '/api/catalog/locations/by-entity/{kind}/{namespace}/{name}',
    ]) {
      expect(body.paths).toHaveProperty([path]);
    }
    expect(Object.keys(body.paths['/api/catalog/entities/by-query'])).toEqual(expect.arrayContaining(['get', 'post']));
    const ui = await fetch(`${query.url}/api/catalog/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger-ui/i);
  });

  it.each([
    ['/api/catalog/entities?bogus=1', "Unknown query parameter 'bogus'"],
    ['/api/catalog/entities?limit=', "Empty value found for query parameter 'limit'"],
    ['/api/catalog/entities?limit=abc', 'request/query/limit must be integer'],
    ['/api/catalog/entities?limit=0', 'Invalid limit, must be greater than zero'],
    ['/api/catalog/entities?after=%%%', 'Malformed after cursor, could not be parsed'],
    ['/api/catalog/entities?order=sideways:metadata.name', 'Invalid order parameter "sideways:metadata.name", expected "<asc or desc>:<field name>"'],
    ['/api/catalog/entities/by-query?cursor=e30%3D', 'Malformed cursor'],
    ['/api/catalog/entities/by-query?orderField=metadata.name,up', 'Invalid order field order, must be asc or desc'],
    ['/api/catalog/entities/by-query?totalItems=some', 'request/query/totalItems must be equal to one of the allowed values: include, exclude'],
    ['/api/catalog/entity-facets', "request/query must have required property 'facet'"],
    ['/api/catalog/entities/by-uid/x?fields=kind', "Unknown query parameter 'fields'"],
  ])('answers %s with 400 naming the problem', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { name: 'InputError', message: expect.stringContaining(message) }, response: { statusCode: 400 } });
  });

  it('refuses operator-looking predicate values instead of running them', async () => {
    const post = (path: string, payload: unknown) =>
      fetch(`${query.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
    const injected = await post('/api/catalog/entities/by-query', { query: { kind: { $ne: 'x' } } });
    expect(injected.status).toBe(400);
    expect(((await injected.json()) as { error: { message: string } }).error.message).toMatch(/^Invalid query: Validation error/);
    expect((await post('/api/catalog/entities/by-query', { query: { $where: 'sleep(1000)' } })).status).toBe(400);
    const byRefs = await post('/api/catalog/entities/by-refs', { entityRefs: { $gt: '' } });
    expect(byRefs.status).toBe(400);
    expect(((await byRefs.json()) as { error: { message: string } }).error.message).toBe('request/body/entityRefs must be array');
    const malformed = await fetch(`${query.url}/api/catalog/entities/by-refs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"entityRefs":' });
    expect(malformed.status).toBe(400);
    // A value that merely looks like an operator is data: it matches nothing.
    const { items } = (await (await post('/api/catalog/entities/by-query', { query: { kind: '{"$ne":"x"}' } })).json()) as { items: unknown[] };
    expect(items).toEqual([]);
  });

  it('records a refresh request for the entity\'s file and answers at once', async () => {
    const probe = await TopicProbe.start(env.KAFKA_BROKERS, `${env.KAFKA_TOPIC_PREFIX}callboard.refresh-requests.v1`);
    try {
      const refresh = (body: unknown) => fetch(`${query.url}/api/catalog/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      expect((await refresh({ entityRef: 'Component:default/Checkout' })).status).toBe(200);
      const [request] = await probe.waitFor((m) => m.json<{ entityRef: string }>().entityRef === 'component:default/checkout');
      expect(request.json()).toMatchObject({ location: { type: 'url', target: 'https://github.com/acme/service/blob/main/catalog-info.yaml' } });
      expect(request.key).toBe('https://github.com/acme/service/blob/main/catalog-info.yaml');
      const unknown = await refresh({ entityRef: 'component:default/nope' });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('Failed to schedule component:default/nope for refresh');
      expect((await refresh({ entityRef: 'component:default/checkout', extra: 1 })).status).toBe(400);
    } finally {
      await probe.stop();
    }
  });

  it('a replica started later loads the catalog from the database, then follows changes', async () => {
    const late = await startService(queryService, env);
    try {
      const lateNames = async () =>
        ((await (await fetch(`${late.url}/api/catalog/entities?fields=metadata.name`)).json()) as Array<{ metadata: { name: string } }>).map((e) => e.metadata.name).sort();
      expect(await lateNames()).toEqual(await names(''));
      await writer.send(upsertEvent(componentEntity('latecomer')));
      await eventually(async () => ((await lateNames()).includes('latecomer') ? true : undefined));
    } finally {
      await late.close();
    }
  });
});
