import type { Entity } from '@backstage/catalog-model';
import { buildSearchPairs, caseVariantSearchKeys } from './entity-search';
import { planLocationChanges } from './location-diff';
import { normalizeEntityRef } from './entity-ref';

describe('buildSearchPairs', () => {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'Payments', tags: ['Java', 'kafka'], annotations: { 'github.com/project-slug': 'acme/Payments' } },
    spec: { type: 'service', owner: 'group:default/payments' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
  };
  const pairs = buildSearchPairs(entity);

  it('lowercases keys and values and adds the default namespace', () => {
    expect(pairs).toEqual(
      expect.arrayContaining([
        { k: 'kind', v: 'component', o: 'Component' },
        { k: 'metadata.name', v: 'payments', o: 'Payments' },
        { k: 'metadata.namespace', v: 'default', o: 'default' },
        { k: 'spec.type', v: 'service', o: 'service' },
        { k: 'metadata.annotations.github.com/project-slug', v: 'acme/payments', o: 'acme/Payments' },
      ]),
    );
  });

  it('indexes array items both as values and as `path.item = true`', () => {
    expect(pairs).toEqual(expect.arrayContaining([{ k: 'metadata.tags', v: 'java', o: 'Java' }, { k: 'metadata.tags.java', v: 'true', o: 'true' }]));
  });

  it('indexes relations by type', () => {
    expect(pairs).toContainEqual({ k: 'relations.ownedby', v: 'group:default/payments', o: 'group:default/payments' });
  });
});

describe('buildSearchPairs, edge rules of buildEntitySearch', () => {
  const bare = (metadata: Entity['metadata'], spec: Record<string, unknown> = {}): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata, spec: spec as Entity['spec'] });

  it('always has name, namespace and uid, null when absent, plus `default` for a missing namespace', () => {
    const pairs = buildSearchPairs(bare({ name: 'x' }));
    expect(pairs.filter((p) => p.k === 'metadata.namespace')).toEqual([
      { k: 'metadata.namespace', v: null, o: null },
      { k: 'metadata.namespace', v: 'default', o: 'default' },
    ]);
    expect(pairs).toContainEqual({ k: 'metadata.uid', v: null, o: null });
  });

  it('keeps a null value apart from the string "null", and an over-long value as null', () => {
    const pairs = buildSearchPairs(bare({ name: 'x', namespace: 'default', uid: 'u' }, { a: [null, 'null'], long: 'x'.repeat(201) }));
    expect(pairs.filter((p) => p.k === 'spec.a')).toEqual([
      { k: 'spec.a', v: null, o: null },
      { k: 'spec.a', v: 'null', o: 'null' },
    ]);
    expect(pairs).toContainEqual({ k: 'spec.long', v: null, o: null });
  });

  it('names keys that differ only in casing, which Backstage cannot index, but not repeated array items', () => {
    expect(caseVariantSearchKeys(bare({ name: 'x', tags: ['Java', 'java'], labels: { Tier: 'a', tier: 'b' } }))).toEqual(['metadata.labels.tier']);
    expect(caseVariantSearchKeys(bare({ name: 'x', UID: 'u' } as Entity['metadata']))).toEqual(['metadata.uid']);
    expect(caseVariantSearchKeys(bare({ name: 'x', tags: ['Java', 'java'] }))).toEqual([]);
  });
});

describe('planLocationChanges', () => {
  const e = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name }, spec: { type: 'team', children: [] } });
  it('removes what the file no longer declares and upserts the rest', () => {
    const before = new Map([['group:default/a', e('a')], ['group:default/b', e('b')]]);
    const after = new Map([['group:default/b', e('b')], ['group:default/c', e('c')]]);
    const plan = planLocationChanges(before, after);
    expect(plan.removals).toEqual(['group:default/a']);
    expect(plan.upserts.map((u) => u.ref)).toEqual(['group:default/b', 'group:default/c']);
  });
});

describe('normalizeEntityRef', () => {
  it('fills defaults and lowercases', () => {
    expect(normalizeEntityRef('Team-A', { defaultKind: 'Group' })).toBe('group:default/team-a');
    expect(normalizeEntityRef('component:Prod/Svc')).toBe('component:prod/svc');
  });
});
