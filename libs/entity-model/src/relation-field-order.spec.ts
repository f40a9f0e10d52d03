import type { Entity } from '@backstage/catalog-model';
import { sortRelationFields } from './relation-field-order';

const component = (spec: Record<string, unknown>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...spec },
});

describe('sortRelationFields (BuiltinKindsEntityProcessor.preProcessEntity)', () => {
  it('sorts by code unit, so an upper-case or kind-qualified ref comes before a lower-case one', () => {
    const sorted = sortRelationFields(component({ providesApis: ['checkout-api', 'API:default/Payments-API', 'billing'] }));
    expect(sorted.spec?.providesApis).toEqual(['API:default/Payments-API', 'billing', 'checkout-api']);
  });

  it('sorts every one of the seven fields, whatever the kind, and leaves other lists in file order', () => {
    const group: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'g' },
      spec: { type: 'team', children: ['z', 'a'], members: ['bob', 'Alice'], profile: { displayName: 'G' }, tags: ['z', 'a'] },
    };
    expect(sortRelationFields(group).spec).toEqual({ type: 'team', children: ['a', 'z'], members: ['Alice', 'bob'], profile: { displayName: 'G' }, tags: ['z', 'a'] });
    const all = sortRelationFields(
      component({ consumesApis: ['b', 'a'], dependsOn: ['resource:db', 'component:a'], dependencyOf: ['y', 'x'], memberOf: ['t2', 't1'], system: 'sys' }),
    );
    expect(all.spec).toMatchObject({ consumesApis: ['a', 'b'], dependsOn: ['component:a', 'resource:db'], dependencyOf: ['x', 'y'], memberOf: ['t1', 't2'], system: 'sys' });
  });

  it('keeps duplicates (Backstage does not dedupe the list; stitching dedupes the relations)', () => {
    expect(sortRelationFields(component({ dependsOn: ['resource:b', 'component:a', 'resource:b'] })).spec?.dependsOn).toEqual(['component:a', 'resource:b', 'resource:b']);
  });

  it('compares code units, not locale: digits before upper case before underscore before lower case', () => {
    expect(sortRelationFields(component({ consumesApis: ['a', '_x', 'B', '9', 'ä'] })).spec?.consumesApis).toEqual(['9', 'B', '_x', 'a', 'ä']);
  });

  it('leaves a single string, a list holding anything but strings, and an absent spec alone', () => {
    expect(sortRelationFields(component({ dependsOn: 'resource:db' })).spec?.dependsOn).toBe('resource:db');
    expect(sortRelationFields(component({ dependsOn: ['resource:b', 1, 'resource:a'] })).spec?.dependsOn).toEqual(['resource:b', 1, 'resource:a']);
    expect(sortRelationFields(component({ dependsOn: { b: 1 } })).spec?.dependsOn).toEqual({ b: 1 });
    const noSpec: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'l' } };
    expect(sortRelationFields(noSpec)).toBe(noSpec);
  });

  it('never changes its input', () => {
    const input = component({ providesApis: ['b', 'a'] });
    const sorted = sortRelationFields(input);
    expect(input.spec?.providesApis).toEqual(['b', 'a']);
    expect(sorted).not.toBe(input);
    const already = component({ providesApis: ['a', 'b'] });
    expect(sortRelationFields(already)).toBe(already);
  });
});
