import { unknownRecord } from '../store/entity-record';
import { applyRelationUpdates } from './relation-update.processor';

const cause = (deliveryId: string) => ({ entityRef: 'component:default/a', deliveryId, repository: 'acme/a', commitSha: 'a'.repeat(40), path: 'catalog-info.yaml' });
const update = (origin: string, originRevision: number, types: string[], deliveryId = `d-${originRevision}`) => ({
  schemaVersion: 1 as const,
  subject: 'group:default/team',
  origin,
  originRevision,
  relations: types.map((type) => ({ type, targetRef: origin })),
  cause: cause(deliveryId),
});

describe('applyRelationUpdates', () => {
  const team = unknownRecord('group:default/team');

  it("replaces what an origin emitted with its newer update and keeps other origins' relations", () => {
    const first = applyRelationUpdates(team, [update('component:default/a', 1, ['ownerOf']), update('component:default/b', 4, ['ownerOf'])]);
    expect(first.changed).toBe(true);
    const second = applyRelationUpdates(first.record, [update('component:default/a', 2, ['ownerOf', 'dependencyOf'])]);
    expect(second.record.incoming).toEqual([
      { origin: 'component:default/a', originRevision: 2, relations: [{ type: 'ownerOf', targetRef: 'component:default/a' }, { type: 'dependencyOf', targetRef: 'component:default/a' }] },
      { origin: 'component:default/b', originRevision: 4, relations: [{ type: 'ownerOf', targetRef: 'component:default/b' }] },
    ]);
    expect(second.cause).toEqual(cause('d-2'));
  });

  it('ignores an update no newer than what it holds from that origin (a redelivery, an overtaken update)', () => {
    const held = applyRelationUpdates(team, [update('component:default/a', 5, ['ownerOf'])]).record;
    const again = applyRelationUpdates(held, [update('component:default/a', 5, ['ownerOf']), update('component:default/a', 3, [])]);
    expect(again).toEqual({ record: held, changed: false, cause: null, stale: 2 });
  });

  it('forgets an origin that withdrew everything, and a withdrawal of nothing changes nothing', () => {
    const held = applyRelationUpdates(team, [update('component:default/a', 1, ['ownerOf'])]).record;
    const withdrawn = applyRelationUpdates(held, [update('component:default/a', 2, [])]);
    expect(withdrawn.changed).toBe(true);
    expect(withdrawn.record.incoming).toEqual([]);
    expect(applyRelationUpdates(withdrawn.record, [update('component:default/a', 3, [])]).changed).toBe(false);
  });
});
