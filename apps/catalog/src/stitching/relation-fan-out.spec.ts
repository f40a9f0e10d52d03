import { relationUpdatesFor } from './relation-fan-out';

const cause = { entityRef: 'component:default/svc', deliveryId: 'd-1', repository: 'acme/svc', commitSha: 'a'.repeat(40), path: 'catalog-info.yaml' };
const row = (source: string, type: string, target: string) => ({ source, type, target });

describe('relationUpdatesFor', () => {
  const svc = 'component:default/svc';

  it('sends each other entity the relations it gains, never the origin itself', () => {
    const after = [row(svc, 'ownedBy', 'group:default/team-a'), row('group:default/team-a', 'ownerOf', svc), row('system:default/shop', 'hasPart', svc)];
    expect(relationUpdatesFor(svc, [], after, 1, cause)).toEqual([
      { schemaVersion: 1, subject: 'group:default/team-a', origin: svc, originRevision: 1, relations: [{ type: 'ownerOf', targetRef: svc }], cause },
      { schemaVersion: 1, subject: 'system:default/shop', origin: svc, originRevision: 1, relations: [{ type: 'hasPart', targetRef: svc }], cause },
    ]);
  });

  it('withdraws from a subject no longer named (an empty list) and leaves unchanged subjects alone', () => {
    const before = [row('group:default/team-a', 'ownerOf', svc), row('system:default/shop', 'hasPart', svc)];
    const after = [row('group:default/team-b', 'ownerOf', svc), row('system:default/shop', 'hasPart', svc)];
    const updates = relationUpdatesFor(svc, before, after, 7, cause);
    expect(updates.map((u) => [u.subject, u.relations.map((r) => r.type)])).toEqual([
      ['group:default/team-a', []],
      ['group:default/team-b', ['ownerOf']],
    ]);
    expect(updates.every((u) => u.originRevision === 7)).toBe(true);
  });

  it('compares refs case-insensitively and sends each relation once, sorted', () => {
    const before = [row('Group:Default/Team-A', 'ownerOf', 'Component:Default/Svc')];
    const after = [row('group:default/team-a', 'ownerOf', svc), row('group:default/team-a', 'ownerOf', svc)];
    expect(relationUpdatesFor(svc, before, after, 2, cause)).toEqual([]);
    const two = relationUpdatesFor(svc, [], [row('group:default/g', 'parentOf', 'group:default/z'), row('group:default/g', 'hasMember', 'user:default/a')], 3, cause);
    expect(two[0].relations).toEqual([
      { type: 'hasMember', targetRef: 'user:default/a' },
      { type: 'parentOf', targetRef: 'group:default/z' },
    ]);
  });
});
