import { request } from 'node:http';
import { catalogService } from '../../apps/catalog/src/catalog.service';
import { REQUEST_LIMITS } from '../../apps/query/src/http/request-limits';
import { queryService } from '../../apps/query/src/query.service';
import { EntityEventWriter } from '../support/entity-event-writer';
import { eventually, isolatedEnv, RunningService, startService } from '../support/service-harness';
import { componentEntity, groupEntity, upsertEvent } from '../factories/entity-events';

interface Answer {
  status: number;
  body: any;
  ms: number;
}

/** `{ $not: { $not: ... { kind: 'component' } } }`, `depth` objects deep. */
const notChain = (depth: number): unknown => {
  let predicate: unknown = { kind: 'component' };
  for (let i = 1; i < depth; i++) predicate = { $not: predicate };
  return predicate;
};
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** A raw exchange: a connection reset shows as a rejected promise, not as a status. */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(url), { method: 'GET', path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

// The catalog service projects what the query service reads, on one database.
describe('query service: bounded requests (real FerretDB, fed by the catalog service)', () => {
  let catalog: RunningService;
  let query: RunningService;
  let writer: EntityEventWriter;

  const timed = async (path: string, init?: RequestInit): Promise<Answer> => {
    const started = performance.now();
    const response = await fetch(`${query.url}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text for the assertion to show
    }
    return { status: response.status, body, ms: performance.now() - started };
  };
  const post = (path: string, body: unknown) => timed(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const expectInputError = (answer: Answer, message: string | RegExp) => {
    expect(answer).toMatchObject({ status: 400, body: { error: { name: 'InputError', message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) }, response: { statusCode: 400 } } });
  };

  beforeAll(async () => {
    const env = isolatedEnv('query_limits');
    catalog = await startService(catalogService, env);
    query = await startService(queryService, env);
    writer = await EntityEventWriter.connect(env);
    const manyTags = Array.from({ length: 600 }, (_, i) => `tag-${i}`);
    await writer.send(
      upsertEvent(componentEntity('checkout', {}, { tags: ['java'] })),
      upsertEvent(componentEntity('tagged', {}, { tags: manyTags })),
      upsertEvent(groupEntity('team-a')),
    );
    await eventually(async () => (((await timed('/api/catalog/entities')).body as unknown[]).length === 3 ? true : undefined));
  });

  afterAll(async () => {
    await writer?.disconnect();
    await query?.close();
    await catalog?.close();
  });

  it('refuses a predicate nested 3,000 deep at once, while other requests go on being answered', async () => {
    const deep = JSON.stringify({ query: notChain(3000) });
    expect(deep.length).toBeLessThan(40_000);
    const [refused, others] = await Promise.all([
      Promise.all([1, 2, 3, 4].map(() => post('/api/catalog/entities/by-query', deep))),
      Promise.all([1, 2, 3].map(() => timed('/api/catalog/entities/by-name/component/default/checkout'))),
    ]);
    for (const answer of refused) {
      expectInputError(answer, `nested deeper than ${REQUEST_LIMITS.bodyDepth} levels`);
      expect(answer.ms).toBeLessThan(1000);
    }
    for (const answer of others) {
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(1000);
    }
  });

  it('bounds the predicates of every endpoint that takes one, and of cursors', async () => {
    const tooDeep = { query: notChain(REQUEST_LIMITS.predicateDepth + 1) };
    expectInputError(await post('/api/catalog/entities/by-query', tooDeep), `Invalid query: nested deeper than ${REQUEST_LIMITS.predicateDepth} levels`);
    expect((await post('/api/catalog/entities/by-query', { query: notChain(REQUEST_LIMITS.predicateDepth) })).status).toBe(200);
    expectInputError(await post('/api/catalog/entities/by-refs', { entityRefs: ['component:default/checkout'], ...tooDeep }), /nested deeper/);
    expectInputError(await post('/api/catalog/entity-facets', { facets: ['kind'], ...tooDeep }), /nested deeper/);
    expectInputError(await post('/api/catalog/locations/by-query', tooDeep), /nested deeper/);

    const operators = { $any: Array.from({ length: REQUEST_LIMITS.predicateLogicalOperators }, () => ({ $not: { kind: 'group' } })) };
    expectInputError(await post('/api/catalog/entities/by-query', { query: operators }), `more than ${REQUEST_LIMITS.predicateLogicalOperators} $all, $any and $not operators`);
    const wide = { $any: Array.from({ length: REQUEST_LIMITS.predicateObjects }, (_, i) => ({ 'metadata.name': `n${i}` })) };
    expectInputError(await post('/api/catalog/entities/by-query', { query: wide }), `more than ${REQUEST_LIMITS.predicateObjects} objects`);

    const forged = base64({ orderFields: [], isPrevious: false, orderFieldValues: [], query: notChain(200) });
    expectInputError(await timed(`/api/catalog/entities/by-query?cursor=${encodeURIComponent(forged)}`), /^Malformed cursor: nested deeper/);
    expectInputError(await post('/api/catalog/entities/by-query', { cursor: forged }), /^Malformed cursor: nested deeper/);
    expectInputError(await post('/api/catalog/locations/by-query', { cursor: base64({ limit: 1, query: operators }) }), /^Invalid cursor: more than/);

    // A GET filter travels in the next page's cursor, so it is held to the same limits.
    const alternatives = Array.from({ length: REQUEST_LIMITS.predicateLogicalOperators }, (_, i) => `filter=kind=component,metadata.name=n${i}`).join('&');
    expectInputError(await timed(`/api/catalog/entities/by-query?${alternatives}`), /^Invalid filter: more than/);
  });

  it('bounds fields, orders, refs, full-text terms and facets', async () => {
    const many = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));
    const fields = many(REQUEST_LIMITS.fields + 1, (i) => `f${i}`).join(',');
    expectInputError(await timed(`/api/catalog/entities?fields=${fields}`), `more than ${REQUEST_LIMITS.fields} fields`);
    expectInputError(await post('/api/catalog/entities/by-query', { fields: fields.split(',') }), `more than ${REQUEST_LIMITS.fields} fields`);
    expectInputError(await timed(`/api/catalog/entities/by-query?fields=${'a.'.repeat(REQUEST_LIMITS.fieldLength)}`), `longer than ${REQUEST_LIMITS.fieldLength} characters`);

    const orderFields = many(REQUEST_LIMITS.orderFields + 1, () => 'orderField=metadata.name,asc').join('&');
    expectInputError(await timed(`/api/catalog/entities/by-query?${orderFields}`), `more than ${REQUEST_LIMITS.orderFields} order fields`);
    // Two orders over a 600-valued field would sort 600 × 600 rows for one entity.
    expectInputError(await timed('/api/catalog/entities?limit=10&order=asc:metadata.tags&order=desc:metadata.tags'), /would sort more than 250000 rows/);
    expect((await timed('/api/catalog/entities?limit=10&order=asc:metadata.tags&order=asc:kind')).status).toBe(200);

    const refs = many(REQUEST_LIMITS.entityRefs + 1, () => 'component:default/checkout');
    expectInputError(await post('/api/catalog/entities/by-refs', { entityRefs: refs }), `must NOT have more than ${REQUEST_LIMITS.entityRefs} items`);
    expect((await post('/api/catalog/entities/by-refs', { entityRefs: refs.slice(1) })).status).toBe(200);

    expectInputError(await timed(`/api/catalog/entities/by-query?fullTextFilterTerm=${'a'.repeat(REQUEST_LIMITS.fullTextTermLength + 1)}`), /full text term: longer than/);
    expectInputError(await timed('/api/catalog/entities/by-query?fullTextFilterTerm=a%25a%25a%25b'), /more than 2 % wildcards/);
    expect((await timed('/api/catalog/entities/by-query?fullTextFilterTerm=ch%25ck&fullTextFilterFields=metadata.name')).body.items).toHaveLength(1);
    expectInputError(await post('/api/catalog/entities/by-query', { fullTextFilter: { term: 'x', fields: many(REQUEST_LIMITS.fullTextFields + 1, (i) => `f${i}`) } }), /full text fields/);

    const facets = many(REQUEST_LIMITS.facets + 1, (i) => `f${i}`);
    expectInputError(await timed(`/api/catalog/entity-facets?${facets.map((f) => `facet=${f}`).join('&')}`), `more than ${REQUEST_LIMITS.facets} facets`);
    expectInputError(await post('/api/catalog/entity-facets', { facets }), `more than ${REQUEST_LIMITS.facets} facets`);
  });

  it('answers a body over 100 KiB with 413, an oversized URL with 414 and oversized headers with 431, in Backstage\'s error shape', async () => {
    const large = await post('/api/catalog/entities/by-refs', { entityRefs: ['x'.repeat(10 * 1024 * 1024)] });
    expect(large).toMatchObject({ status: 413, body: { error: { name: 'PayloadTooLargeError' }, request: { method: 'POST', url: '/entities/by-refs' }, response: { statusCode: 413 } } });

    const longUrl = await rawGet(query.url, `/api/catalog/entities?filter=kind=${'x'.repeat(100_000)}`);
    expect(longUrl.status).toBe(414);
    expect(JSON.parse(longUrl.body)).toMatchObject({ error: { name: 'URITooLongError', message: expect.any(String) }, response: { statusCode: 414 } });
    const bigHeader = await rawGet(query.url, '/api/catalog/entities', { 'X-Padding': 'x'.repeat(100_000) });
    expect(bigHeader.status).toBe(431);
    expect(JSON.parse(bigHeader.body)).toMatchObject({ error: { name: 'RequestHeaderFieldsTooLargeError' }, response: { statusCode: 431 } });

    const response = await fetch(`${query.url}/api/catalog/entities`);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('reads integers as JSON Schema does and answers limit=0 as declared', async () => {
    expect((await timed('/api/catalog/entities/by-query?offset=0.0&limit=2.0')).body.items).toHaveLength(2);
    expect((await timed('/api/catalog/entities/by-query?limit=0')).body).toMatchObject({ items: [], totalItems: 3 });
    expectInputError(await timed('/api/catalog/entities/by-query?limit=1.5'), 'request/query/limit must be integer');
    expectInputError(await timed('/api/catalog/entities?limit=0'), 'Invalid limit, must be greater than zero');
  });
});
