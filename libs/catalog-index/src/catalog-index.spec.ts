import type { Entity } from '@callboard/entity-model';
import { CatalogIndex } from './catalog-index';

function component(name: string, extra: Partial<Entity['metadata']> = {}, spec: Entity['spec'] = { type: 'service' }): Entity {
  return { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default', uid: `uid-${name}`, etag: `etag-${name}`, ...extra }, spec };
}

const idsOf = (index: CatalogIndex, key: string, value: string) => [...index.postings.ids(index.key(key)?.values.get(value))].map((id) => index.get(id)!.ref).sort();

describe('CatalogIndex', () => {
  it('finds entities by ref and uid and serves their JSON text unchanged', () => {
    const index = new CatalogIndex();
    const json = '{"apiVersion":"backstage.io/v1alpha1","kind":"Component","metadata":{"name":"A","namespace":"default","uid":"u1","etag":"e1"},"spec":{"type":"service"}}';
    index.upsert(JSON.parse(json) as Entity, json);
    expect(index.getByRef('component:default/a')?.json).toBe(json);
    expect(index.getByUid('u1')?.ref).toBe('component:default/a');
    expect(index.size).toBe(1);
  });

  it('replaces an entity: old search rows go, new ones come, the id is reused', () => {
    const index = new CatalogIndex();
    index.upsert(component('a', { tags: ['java'] }));
    const id = index.getByRef('component:default/a')!.id;
    index.upsert(component('a', { tags: ['go'] }, { type: 'website' }));
    expect(index.getByRef('component:default/a')!.id).toBe(id);
    expect(idsOf(index, 'metadata.tags', 'java')).toEqual([]);
    expect(index.key('metadata.tags.java')).toBeUndefined();
    expect(idsOf(index, 'metadata.tags', 'go')).toEqual(['component:default/a']);
    expect(idsOf(index, 'spec.type', 'website')).toEqual(['component:default/a']);
    expect(idsOf(index, 'spec.type', 'service')).toEqual([]);
  });

  it('removes an entity and frees its uid, and reuses the id for the next one', () => {
    const index = new CatalogIndex();
    index.upsert(component('a'));
    index.upsert(component('b'));
    const id = index.getByRef('component:default/a')!.id;
    expect(index.remove('component:default/a')).toBe(true);
    expect(index.remove('component:default/a')).toBe(false);
    expect(index.getByUid('uid-a')).toBeUndefined();
    expect(idsOf(index, 'spec.type', 'service')).toEqual(['component:default/b']);
    expect([...index.all().ids()]).toEqual([index.getByRef('component:default/b')!.id]);
    index.upsert(component('c'));
    expect(index.getByRef('component:default/c')!.id).toBe(id);
  });

  it('keeps values as written for facets while matching them lowercased', () => {
    const index = new CatalogIndex();
    index.upsert(component('a', {}, { type: 'service' }));
    index.upsert(component('b', {}, { type: 'Service' }));
    index.upsert(component('c', {}, { type: 'service' }));
    const postings = index.key('spec.type')!;
    expect(idsOf(index, 'spec.type', 'service')).toEqual(['component:default/a', 'component:default/b', 'component:default/c']);
    const variants = postings.originals!.get('service') as Map<string, number>;
    expect([...variants.keys()].sort()).toEqual(['Service', 'service']);
    expect(index.postings.size(variants.get('service'))).toBe(2);
    index.remove('component:default/a');
    index.remove('component:default/c');
    // One spelling is left: kept as a plain string.
    expect(postings.originals!.get('service')).toBe('Service');
    index.upsert(component('d', {}, { type: 'service' }));
    expect(index.key('spec.type')!.originals!.get('service')).toBeInstanceOf(Map);
    index.remove('component:default/b');
    // Only the lowercase spelling is left, so nothing needs keeping.
    expect(index.key('spec.type')!.originals?.has('service') ?? false).toBe(false);
  });

  it('updated in place, answers exactly like an index built from the final entities', () => {
    // Entities changed again and again (values, spellings, tags, owners, a uid): only the
    // rows that changed are touched in place, and nothing stale may be left behind.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const spellings = ['service', 'Service', 'SERVICE', 'website', 'Website'];
    const variant = (name: string): Entity =>
      component(
        name,
        { uid: `uid-${name}-${random(2)}`, tags: ['java', 'Go', 'rust', 'GO'].slice(random(3), 1 + random(4)), ...(random(3) === 0 ? {} : { description: `d${random(4)}` }) },
        { type: spellings[random(spellings.length)], owner: `team-${random(3)}`, ...(random(2) ? { lifecycle: 'production' } : {}) },
      );
    // As served entities arrive: parsed from JSON, so no property is present but undefined.
    const served = (entity: Entity) => JSON.parse(JSON.stringify(entity)) as Entity;
    const inPlace = new CatalogIndex();
    const final = new Map<string, Entity>();
    for (let step = 0; step < 600; step++) {
      const name = `c${random(40)}`;
      if (random(10) === 0) {
        inPlace.remove(`component:default/${name}`);
        final.delete(name);
      } else {
        const entity = served(variant(name));
        inPlace.upsert(entity);
        final.set(name, entity);
      }
    }
    const fresh = new CatalogIndex();
    for (const entity of final.values()) fresh.upsert(entity);
    const rowsOf = (index: CatalogIndex) => {
      const out: Record<string, unknown> = {};
      for (const key of ['kind', 'spec.type', 'spec.owner', 'spec.lifecycle', 'metadata.tags', 'metadata.tags.java', 'metadata.tags.go', 'metadata.description', 'metadata.uid', 'metadata.name']) {
        const postings = index.key(key);
        if (!postings) continue;
        const refs = (posting: number | undefined) => [...index.postings.ids(posting)].map((id) => index.get(id)!.ref).sort();
        out[key] = {
          holders: refs(postings.holders),
          values: Object.fromEntries([...postings.values].sort().map(([value, posting]) => [value, refs(posting)])),
          originals: Object.fromEntries(
            [...(postings.originals ?? [])].sort().map(([value, spelled]) => [value, typeof spelled === 'string' ? spelled : Object.fromEntries([...spelled].sort().map(([o, p]) => [o, refs(p)]))]),
          ),
        };
      }
      return out;
    };
    expect(rowsOf(inPlace)).toEqual(rowsOf(fresh));
    expect(inPlace.size).toBe(fresh.size);
    for (const name of final.keys()) expect(inPlace.getByUid(final.get(name)!.metadata.uid!)?.ref).toBe(`component:default/${name}`);
  });

  it('grows past its initial capacity', () => {
    const index = new CatalogIndex();
    for (let i = 0; i < 3000; i++) index.upsert(component(`c${i}`));
    expect(index.size).toBe(3000);
    expect(index.all().count()).toBe(3000);
    expect(idsOf(index, 'metadata.name', 'c2999')).toEqual(['component:default/c2999']);
  });
});
