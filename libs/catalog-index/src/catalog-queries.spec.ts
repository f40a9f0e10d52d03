import type { Entity } from '@callboard/entity-model';
import { CatalogIndex } from './catalog-index';
import { CatalogQueries } from './catalog-queries';
import { evaluatePredicate, filterParamsToPredicate, parsePredicate } from './entity-predicate';
import { projectFields, parseFieldList } from './field-projection';
import { decodeCursor } from './query-cursor';
import { QueryInputError } from './query-input-error';

function component(name: string, uid: string, metadata: Partial<Entity['metadata']> = {}, spec: Entity['spec'] = { type: 'service' }): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default', uid, ...metadata }, spec };
}

function setup(entities: Entity[]) {
  const index = new CatalogIndex();
  for (const entity of entities) index.upsert(entity);
  const queries = new CatalogQueries(index);
  const namesOf = (ids: Array<number | null>) => ids.map((id) => (id === null ? null : JSON.parse(index.get(id)!.json).metadata.name));
  return { index, queries, namesOf };
}

describe('CatalogQueries.queryEntities', () => {
  const entities = [
    component('delta', 'u1', { tags: ['b', 'a'] }),
    component('alpha', 'u4', { tags: ['c'] }),
    component('charlie', 'u3'),
    component('bravo', 'u2', { tags: ['a'] }, { type: 'website' }),
  ];

  it('orders by uid without a sort field', () => {
    const { queries, namesOf } = setup(entities);
    const page = queries.queryEntities({});
    expect(namesOf(page.ids)).toEqual(['delta', 'bravo', 'charlie', 'alpha']);
    expect(page.totalItems).toBe(4);
    expect(page.nextCursor).toBeUndefined();
  });

  it('leaves out entities without the sort field and repeats those with several values, counting each once', () => {
    const { queries, namesOf } = setup(entities);
    const page = queries.queryEntities({ orderFields: [{ field: 'metadata.tags', order: 'asc' }] });
    // (a,u1) (a,u2) (b,u1) (c,u4): delta twice, charlie never.
    expect(namesOf(page.ids)).toEqual(['delta', 'bravo', 'delta', 'alpha']);
    expect(page.totalItems).toBe(3);
  });

  it('pages forwards and backwards with cursors, without a previous cursor on the first page', () => {
    const { queries, namesOf } = setup(entities);
    const orderFields = [{ field: 'metadata.name', order: 'desc' as const }];
    const first = queries.queryEntities({ orderFields, limit: 2 });
    expect(namesOf(first.ids)).toEqual(['delta', 'charlie']);
    expect(first.prevCursor).toBeUndefined();
    const second = queries.queryEntities({ cursor: decodeCursor(first.nextCursor!), limit: 2 });
    expect(namesOf(second.ids)).toEqual(['bravo', 'alpha']);
    expect(second.nextCursor).toBeUndefined();
    expect(second.totalItems).toBe(4);
    const back = queries.queryEntities({ cursor: decodeCursor(second.prevCursor!), limit: 2 });
    expect(namesOf(back.ids)).toEqual(['delta', 'charlie']);
    // Back at the start: nothing before it, but the way forward is offered again.
    expect(back.prevCursor).toBeUndefined();
    expect(back.nextCursor).toBeDefined();
  });

  it('applies offset to the first page only, and counts nothing when totalItems is excluded', () => {
    const { queries, namesOf } = setup(entities);
    const page = queries.queryEntities({ orderFields: [{ field: 'metadata.name', order: 'asc' }], offset: 1, limit: 2, totalItems: 'exclude' });
    expect(namesOf(page.ids)).toEqual(['bravo', 'charlie']);
    expect(page.totalItems).toBe(0);
    const next = queries.queryEntities({ cursor: decodeCursor(page.nextCursor!), limit: 2 });
    expect(namesOf(next.ids)).toEqual(['delta']);
  });

  it('searches the sort field by default, with LIKE wildcards', () => {
    const { queries, namesOf } = setup(entities);
    expect(namesOf(queries.queryEntities({ orderFields: [{ field: 'metadata.name', order: 'asc' }], fullTextFilter: { term: ' HAR ' } }).ids)).toEqual(['charlie']);
    expect(namesOf(queries.queryEntities({ orderFields: [{ field: 'metadata.name', order: 'asc' }], fullTextFilter: { term: 'a_p' } }).ids)).toEqual(['alpha']);
    // Without a sort field the default field is the uid.
    expect(namesOf(queries.queryEntities({ fullTextFilter: { term: 'u3' } }).ids)).toEqual(['charlie']);
    expect(queries.queryEntities({ fullTextFilter: { term: 'website', fields: ['spec.type'] } }).totalItems).toBe(1);
  });

  it('serves a repeated search from its cache until a searched key changes', () => {
    const { index, queries, namesOf } = setup(entities);
    const search = () => namesOf(queries.queryEntities({ fullTextFilter: { term: 'ALP', fields: ['metadata.name'] } }).ids);
    expect(search()).toEqual(['alpha']);
    expect(search()).toEqual(['alpha']);
    index.upsert(component('alpine', 'u0'));
    expect(search()).toEqual(['alpine', 'alpha']);
    index.remove('component:default/alpha');
    expect(search()).toEqual(['alpine']);
  });

  it('keeps the query in the cursor', () => {
    const { queries, namesOf } = setup(entities);
    const first = queries.queryEntities({ query: { 'spec.type': 'service' }, orderFields: [{ field: 'metadata.name', order: 'asc' }], limit: 1 });
    const cursor = decodeCursor(first.nextCursor!);
    expect(cursor.query).toEqual({ 'spec.type': 'service' });
    const rest = queries.queryEntities({ cursor, limit: 5 });
    expect(namesOf(rest.ids)).toEqual(['charlie', 'delta']);
  });
});

describe('CatalogQueries lists, refs and facets', () => {
  it('pages GET /entities by ref, or by an order field as written with entities lacking it last', () => {
    const { queries, namesOf } = setup([component('b', 'u1', { title: 'Zed' }), component('a', 'u2'), component('c', 'u3', { title: 'Amy' })]);
    expect(namesOf(queries.listPage(undefined, [], 0, 10))).toEqual(['a', 'b', 'c']);
    expect(namesOf(queries.listPage(undefined, [{ field: 'metadata.title', order: 'asc' }], 0, 10))).toEqual(['c', 'b', 'a']);
    // Keys are not lowercased on this path, so a camelCase field matches no row.
    expect(namesOf(queries.listPage(undefined, [{ field: 'metadata.Title', order: 'asc' }], 0, 10))).toEqual(['b', 'a', 'c']);
    expect(namesOf(queries.listPage(undefined, [], 1, 1))).toEqual(['b', 'c']);
  });

  it('answers by-refs in request order with null for unknown and filtered-out refs', () => {
    const { queries, namesOf } = setup([component('a', 'u1'), component('b', 'u2', {}, { type: 'website' })]);
    expect(namesOf(queries.byRefs(['component:default/b', 'component:default/x', 'component:default/a'], undefined))).toEqual(['b', null, 'a']);
    expect(namesOf(queries.byRefs(['component:default/b', 'component:default/a'], { 'spec.type': 'service' }))).toEqual([null, 'a']);
    // Refs are matched as given against lowercase refs, without defaults.
    expect(queries.byRefs(['Component:default/a', 'component:a'], undefined)).toEqual([null, null]);
  });

  it('counts facet values as written, per entity, in code-point order', () => {
    const { queries } = setup([
      component('a', 'u1', { tags: ['java', 'go'] }, { type: 'Service' }),
      component('b', 'u2', { tags: ['java'] }, { type: 'service' }),
      component('c', 'u3', {}, { type: 'website' }),
    ]);
    expect(queries.facets(['spec.type', 'metadata.tags', 'spec.nothing'], undefined)).toEqual({
      'spec.type': [
        { value: 'Service', count: 1 },
        { value: 'service', count: 1 },
        { value: 'website', count: 1 },
      ],
      'metadata.tags': [
        { value: 'go', count: 1 },
        { value: 'java', count: 2 },
      ],
      'spec.nothing': [],
    });
    expect(queries.facets(['spec.type'], { 'metadata.tags': 'go' })).toEqual({ 'spec.type': [{ value: 'Service', count: 1 }] });
  });
});

describe('predicates', () => {
  const { index, namesOf } = setup([
    component('a', 'u1', { tags: ['java'] }),
    component('b', 'u2', {}, { type: 'website', owner: 'team' }),
    { ...component('c', 'u3'), relations: [{ type: 'ownedBy', targetRef: 'group:default/team' }] },
  ]);
  const match = (predicate: unknown) => namesOf([...evaluatePredicate(index, parsePredicate(predicate)).ids()]).sort();

  it('matches Backstage semantics, case-insensitively', () => {
    expect(match({ KIND: 'COMPONENT', 'spec.type': 'Service' })).toEqual(['a', 'c']);
    expect(match({ $not: { 'metadata.tags': 'java' } })).toEqual(['b', 'c']);
    expect(match({ 'spec.owner': { $exists: false } })).toEqual(['a', 'c']);
    expect(match({ $all: [] })).toEqual(['a', 'b', 'c']);
    expect(match({ $any: [] })).toEqual([]);
    expect(match({ 'metadata.name': { $in: ['A', 'b', 7] } })).toEqual(['a', 'b']);
    expect(match({ 'metadata.tags.java': true })).toEqual(['a']);
    expect(match({ relations: { $contains: { type: 'OwnedBy' } } })).toEqual(['c']);
    expect(match({ 'relations.ownedby': 'group:default/TEAM' })).toEqual(['c']);
  });

  it('rejects malformed predicates with Backstage messages', () => {
    expect(() => match({ $where: 'x' })).toThrow(/^Invalid query: Validation error: Invalid at "\$where"/);
    expect(() => match({ $all: ['kind'] })).toThrow(/top-level primitive values are not supported/);
    expect(() => match({ 'spec.type': { $contains: { a: 1 } } })).toThrow('Object form of $contains is not supported for field "spec.type"');
    expect(() => match({ relations: { $contains: { type: 'x', targetRef: { $in: [] } } } })).toThrow(QueryInputError);
  });

  it('turns filter parameters into predicates: comma = AND, repetition = OR, same key = any of, bare key = exists', () => {
    expect(filterParamsToPredicate(['kind=component,spec.type=service', 'kind=api'])).toEqual({
      $any: [{ $all: [{ kind: 'component' }, { 'spec.type': 'service' }] }, { kind: 'api' }],
    });
    expect(filterParamsToPredicate([' kind = A , kind=b,, spec.owner '])).toEqual({ $all: [{ kind: { $in: ['A', 'b'] } }, { 'spec.owner': { $exists: true } }] });
    expect(filterParamsToPredicate(['a=b=c'])).toEqual({ a: 'b=c' });
    expect(filterParamsToPredicate(['', ' , '])).toBeUndefined();
    expect(() => filterParamsToPredicate(['=x'])).toThrow("Invalid filter, '=x' is not a valid statement");
  });
});

describe('fields', () => {
  const entity = { kind: 'Component', metadata: { name: 'a', annotations: { 'backstage.io/orphan': 'true' } }, spec: { type: 'service' } };

  it('projects dotted annotation keys and keeps the requested order', () => {
    expect(JSON.stringify(projectFields(entity, ['metadata.annotations.backstage.io/orphan', 'kind', 'spec.missing']))).toBe(
      '{"metadata":{"annotations":{"backstage.io/orphan":"true"}},"kind":"Component"}',
    );
  });

  it('splits, trims and de-duplicates, and refuses array paths', () => {
    expect(parseFieldList(['kind, metadata.name', 'kind'])).toEqual(['kind', 'metadata.name']);
    expect(parseFieldList([' , '])).toBeUndefined();
    expect(() => parseFieldList(['metadata.tags[0]'])).toThrow('Invalid field "metadata.tags[0]", array type fields are not supported');
  });
});

describe('cursors', () => {
  it('refuses what is not a cursor', () => {
    expect(() => decodeCursor('!!!')).toThrow(/^Malformed cursor/);
    expect(() => decodeCursor(Buffer.from('{"orderFields":[]}').toString('base64'))).toThrow(/^Malformed cursor: isPrevious/);
  });
});
