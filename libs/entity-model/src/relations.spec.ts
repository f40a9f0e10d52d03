import type { Entity } from '@backstage/catalog-model';
import { affectedByRelationChange, emitRelations, stitchRelations } from './relations';

const entity = (kind: string, name: string, spec: Record<string, unknown>, namespace = 'default'): Entity => ({
  apiVersion: kind === 'Template' ? 'scaffolder.backstage.io/v1beta3' : 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace },
  spec: spec as Entity['spec'],
});

// Every spec field that emits a relation, with the pair it must emit in both directions.
const cases: Array<[string, Record<string, unknown>, string, string, string]> = [
  ['Component', { owner: 'team-a' }, 'ownedBy', 'ownerOf', 'group:default/team-a'],
  ['Component', { subcomponentOf: 'parent-svc' }, 'partOf', 'hasPart', 'component:default/parent-svc'],
  ['Component', { providesApis: ['orders-api'] }, 'providesApi', 'apiProvidedBy', 'api:default/orders-api'],
  ['Component', { consumesApis: ['orders-api'] }, 'consumesApi', 'apiConsumedBy', 'api:default/orders-api'],
  ['Component', { dependsOn: ['resource:orders-db'] }, 'dependsOn', 'dependencyOf', 'resource:default/orders-db'],
  ['Component', { dependencyOf: ['component:checkout'] }, 'dependencyOf', 'dependsOn', 'component:default/checkout'],
  ['Component', { system: 'shop' }, 'partOf', 'hasPart', 'system:default/shop'],
  ['API', { owner: 'user:jane' }, 'ownedBy', 'ownerOf', 'user:default/jane'],
  ['API', { system: 'shop' }, 'partOf', 'hasPart', 'system:default/shop'],
  ['Resource', { owner: 'team-a' }, 'ownedBy', 'ownerOf', 'group:default/team-a'],
  ['Resource', { dependsOn: ['resource:disk'] }, 'dependsOn', 'dependencyOf', 'resource:default/disk'],
  ['Resource', { dependencyOf: ['component:svc'] }, 'dependencyOf', 'dependsOn', 'component:default/svc'],
  ['Resource', { system: 'shop' }, 'partOf', 'hasPart', 'system:default/shop'],
  ['User', { memberOf: ['team-a'] }, 'memberOf', 'hasMember', 'group:default/team-a'],
  ['Group', { parent: 'org' }, 'childOf', 'parentOf', 'group:default/org'],
  ['Group', { children: ['sub-team'] }, 'parentOf', 'childOf', 'group:default/sub-team'],
  ['Group', { members: ['jane'] }, 'hasMember', 'memberOf', 'user:default/jane'],
  ['System', { owner: 'team-a' }, 'ownedBy', 'ownerOf', 'group:default/team-a'],
  ['System', { domain: 'commerce' }, 'partOf', 'hasPart', 'domain:default/commerce'],
  ['Domain', { owner: 'team-a' }, 'ownedBy', 'ownerOf', 'group:default/team-a'],
  ['Domain', { subdomainOf: 'company' }, 'partOf', 'hasPart', 'domain:default/company'],
  ['Template', { owner: 'team-a' }, 'ownedBy', 'ownerOf', 'group:default/team-a'],
];

describe('emitRelations', () => {
  it.each(cases)('%s %j emits %s and the reverse %s', (kind, spec, outgoing, incoming, target) => {
    const self = `${kind.toLowerCase()}:default/x`;
    expect(emitRelations(entity(kind, 'x', spec))).toEqual([
      { source: self, type: outgoing, target },
      { source: target, type: incoming, target: self },
    ]);
  });

  it("defaults the target's namespace to the source entity's namespace", () => {
    expect(emitRelations(entity('Component', 'x', { owner: 'team-a', system: 'other/shop' }, 'payments'))).toEqual(
      expect.arrayContaining([
        { source: 'component:payments/x', type: 'ownedBy', target: 'group:payments/team-a' },
        { source: 'component:payments/x', type: 'partOf', target: 'system:other/shop' },
      ]),
    );
  });

  it('serves every ref lowercased, the name included, as stringifyEntityRef does', () => {
    expect(emitRelations(entity('User', 'John.Doe', { memberOf: ['Group:Default/Team-A'] }))).toEqual([
      { source: 'user:default/john.doe', type: 'memberOf', target: 'group:default/team-a' },
      { source: 'group:default/team-a', type: 'hasMember', target: 'user:default/john.doe' },
    ]);
    expect(emitRelations(entity('Component', 'x', { owner: 'user:Jane.Roe' }, 'Payments'))[0]).toEqual({
      source: 'component:payments/x',
      type: 'ownedBy',
      target: 'user:payments/jane.roe',
    });
  });

  it('skips an empty reference field, as Backstage skips any falsy one', () => {
    expect(emitRelations(entity('Component', 'x', { owner: '', providesApis: [] }))).toEqual([]);
  });

  it('emits the Template owner only for the scaffolder v1beta3 Template, as its processor does', () => {
    const other = { ...entity('Template', 'x', { owner: 'team-a' }), apiVersion: 'backstage.io/v1beta2' };
    expect(emitRelations(other)).toEqual([]);
  });

  it('rejects a dependsOn reference without a kind, as Backstage does', () => {
    expect(() => emitRelations(entity('Component', 'x', { dependsOn: ['orders-db'] }))).toThrow(/kind/);
  });
});

describe('stitching helpers', () => {
  it('stitches only rows whose source is the entity, case-insensitively, ordered by type then target', () => {
    const rows = [
      { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/b' },
      { source: 'Group:default/Team-A', type: 'ownerOf', target: 'component:default/a' },
      { source: 'group:default/team-a', type: 'hasMember', target: 'user:default/jane' },
      { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/a' },
      { source: 'component:default/a', type: 'ownedBy', target: 'group:default/team-a' },
    ];
    expect(stitchRelations('group:default/team-a', rows)).toEqual([
      { type: 'hasMember', targetRef: 'user:default/jane' },
      { type: 'ownerOf', targetRef: 'component:default/a' },
      { type: 'ownerOf', targetRef: 'component:default/b' },
    ]);
  });

  it('serves targets in Backstage\'s lowercased form, deduplicated, ordered by code unit', () => {
    const rows = [
      { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/ab' },
      { source: 'group:default/team-a', type: 'ownerOf', target: 'Component:default/A-B' },
      { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/a-b' },
      { source: 'group:default/team-a', type: 'hasMember', target: 'user:default/John.Doe' },
    ];
    expect(stitchRelations('Group:Default/Team-A', rows)).toEqual([
      { type: 'hasMember', targetRef: 'user:default/john.doe' },
      { type: 'ownerOf', targetRef: 'component:default/a-b' },
      { type: 'ownerOf', targetRef: 'component:default/ab' },
    ]);
  });

  it('names exactly the entities whose stitched relations change when an owner moves', () => {
    const before = emitRelations(entity('Component', 'svc', { owner: 'team-a' }));
    const after = emitRelations(entity('Component', 'svc', { owner: 'team-b' }));
    expect(affectedByRelationChange(before, after)).toEqual(['component:default/svc', 'group:default/team-a', 'group:default/team-b']);
    expect(affectedByRelationChange(after, after)).toEqual([]);
  });
});
