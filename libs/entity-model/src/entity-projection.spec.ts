import type { Entity } from '@backstage/catalog-model';
import { decideRemoval, decideUpsert, locationKeyOf, ProjectedEntityState, REJECTED_ANNOTATION_URL, serveEntity } from './entity-projection';
import { annotateWithLocation, githubFileLocation } from './location-annotations';

const location = { type: 'url' as const, target: 'https://github.com/acme/svc/blob/main/catalog-info.yaml' };
const otherLocation = { type: 'url' as const, target: 'https://github.com/acme/other/blob/main/catalog-info.yaml' };
const entity = (owner = 'team-a'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
});
let uids = 0;
const newUid = () => `uid-${++uids}`;

function stateAfter(decision: ReturnType<typeof decideUpsert>, sourceVersion: number): ProjectedEntityState {
  if (decision.action !== 'write') throw new Error(`expected a write, got ${decision.action}`);
  return { uid: decision.uid, inputHash: decision.inputHash, sourceVersion, locationKey: locationKeyOf(location), deleted: false };
}

describe('decideUpsert', () => {
  it('creates with a new uid, server annotations and the relations it emits', () => {
    const decision = decideUpsert(null, { entity: entity(), location, originLocation: location, sourceVersion: 1 }, newUid);
    expect(decision.action).toBe('write');
    if (decision.action !== 'write') return;
    expect(decision.created).toBe(true);
    expect(decision.relationRows).toEqual([
      { source: 'component:default/svc', type: 'ownedBy', target: 'group:default/team-a' },
      { source: 'group:default/team-a', type: 'ownerOf', target: 'component:default/svc' },
    ]);
    const served = serveEntity(decision.processed, decision.uid, []);
    expect(served.entity.metadata.uid).toBe(decision.uid);
    expect(served.entity.metadata.etag).toBe(served.etag);
    expect(decision.processed.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': `url:${location.target}`,
      'backstage.io/managed-by-origin-location': `url:${location.target}`,
      'backstage.io/view-url': location.target,
      'backstage.io/edit-url': 'https://github.com/acme/svc/edit/main/catalog-info.yaml',
      'backstage.io/source-location': 'url:https://github.com/acme/svc/tree/main/',
    });
  });

  it('writes nothing for an unchanged input (a redelivered event)', () => {
    const first = decideUpsert(null, { entity: entity(), location, originLocation: location, sourceVersion: 1 }, newUid);
    const again = decideUpsert(stateAfter(first, 1), { entity: entity(), location, originLocation: location, sourceVersion: 1 }, newUid);
    expect(again).toEqual({ action: 'skip', reason: 'unchanged' });
  });

  it('keeps the uid when the entity changes; the served etag follows any change, relations included', () => {
    const first = decideUpsert(null, { entity: entity('team-a'), location, originLocation: location, sourceVersion: 1 }, newUid);
    const second = decideUpsert(stateAfter(first, 1), { entity: entity('team-b'), location, originLocation: location, sourceVersion: 2 }, newUid);
    if (first.action !== 'write' || second.action !== 'write') throw new Error('expected writes');
    expect(second.created).toBe(false);
    expect(second.uid).toBe(first.uid);
    const a = serveEntity(first.processed, first.uid, []);
    expect(serveEntity(second.processed, second.uid, []).etag).not.toBe(a.etag);
    expect(serveEntity(first.processed, first.uid, [{ type: 'ownedBy', targetRef: 'group:default/x' }]).etag).not.toBe(a.etag);
    expect(serveEntity(first.processed, first.uid, []).etag).toBe(a.etag);
  });

  it('ignores an event older than what was applied', () => {
    const first = decideUpsert(null, { entity: entity('team-b'), location, originLocation: location, sourceVersion: 5 }, newUid);
    const late = decideUpsert(stateAfter(first, 5), { entity: entity('team-a'), location, originLocation: location, sourceVersion: 4 }, newUid);
    expect(late).toEqual({ action: 'skip', reason: 'stale' });
  });

  it('reports a conflict when a second location declares an owned ref', () => {
    const first = decideUpsert(null, { entity: entity(), location, originLocation: location, sourceVersion: 1 }, newUid);
    const other = decideUpsert(stateAfter(first, 1), { entity: entity(), location: otherLocation, originLocation: otherLocation, sourceVersion: 2 }, newUid);
    expect(other).toEqual({ action: 'conflict', ownerLocationKey: locationKeyOf(location) });
  });

  it('lets the entity set its own view/edit/source annotations, as Backstage does', () => {
    const own = entity();
    own.metadata.annotations = { 'backstage.io/view-url': 'https://docs.example.com/svc' };
    const decision = decideUpsert(null, { entity: own, location, originLocation: location, sourceVersion: 1 }, newUid);
    if (decision.action !== 'write') throw new Error('expected a write');
    expect(decision.processed.metadata.annotations?.['backstage.io/view-url']).toBe('https://docs.example.com/svc');
  });

  it("processes relation lists as Backstage's pre-processing does: sorted, so a reordered file changes nothing", () => {
    const withApis = (providesApis: string[]): Entity => ({ ...entity(), spec: { ...entity().spec, providesApis, dependsOn: ['resource:db', 'Component:Auth'] } });
    const first = decideUpsert(null, { entity: withApis(['checkout-api', 'API:default/Payments-API']), location, originLocation: location, sourceVersion: 1 }, newUid);
    if (first.action !== 'write') throw new Error('expected a write');
    expect(first.processed.spec).toMatchObject({ providesApis: ['API:default/Payments-API', 'checkout-api'], dependsOn: ['Component:Auth', 'resource:db'] });
    expect(serveEntity(first.processed, first.uid, []).entity.spec?.providesApis).toEqual(['API:default/Payments-API', 'checkout-api']);
    const reordered = decideUpsert(stateAfter(first, 1), { entity: withApis(['API:default/Payments-API', 'checkout-api']), location, originLocation: location, sourceVersion: 2 }, newUid);
    expect(reordered).toEqual({ action: 'skip', reason: 'unchanged' });
  });

  it('re-creates over a tombstone with a new uid', () => {
    const tombstone: ProjectedEntityState = { uid: 'old', inputHash: 'x', sourceVersion: 3, locationKey: locationKeyOf(location), deleted: true };
    const decision = decideUpsert(tombstone, { entity: entity(), location: otherLocation, originLocation: otherLocation, sourceVersion: 4 }, () => 'fresh');
    expect(decision).toMatchObject({ action: 'write', uid: 'fresh', created: true });
  });
});

describe('decideUpsert from a location that supersedes another', () => {
  const renamed = { type: 'url' as const, target: 'https://github.com/acme/svc-renamed/blob/main/catalog-info.yaml' };
  const owned = () => stateAfter(decideUpsert(null, { entity: entity(), location, originLocation: location, sourceVersion: 3 }, newUid), 3);

  it('moves ownership when the owner is the superseded location, keeping the uid', () => {
    const before = owned();
    const moved = decideUpsert(before, { entity: entity(), location: renamed, originLocation: renamed, sourceVersion: 3, supersedesLocation: location }, newUid);
    if (moved.action !== 'write') throw new Error(`expected a write, got ${moved.action}`);
    expect(moved.uid).toBe(before.uid);
    expect(moved.created).toBe(false);
    expect(moved.processed.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${renamed.target}`);
  });

  it('is still a conflict when the superseded location does not own the entity', () => {
    const before = owned();
    const claim = decideUpsert(before, { entity: entity(), location: renamed, originLocation: renamed, sourceVersion: 3, supersedesLocation: otherLocation }, newUid);
    expect(claim).toEqual({ action: 'conflict', ownerLocationKey: locationKeyOf(location) });
  });

  it('never moves an entity with an older event', () => {
    const before = owned();
    expect(decideUpsert(before, { entity: entity(), location: renamed, originLocation: renamed, sourceVersion: 2, supersedesLocation: location }, newUid)).toEqual({ action: 'skip', reason: 'stale' });
  });
});

describe('decideRemoval', () => {
  const live: ProjectedEntityState = { uid: 'u', inputHash: 'h', sourceVersion: 10, locationKey: locationKeyOf(location), deleted: false };

  it('deletes when the owning location removes it with a newer event', () => {
    expect(decideRemoval(live, { location, sourceVersion: 11 })).toEqual({ action: 'delete' });
  });
  it('ignores removals by another location, older removals and absent entities', () => {
    expect(decideRemoval(live, { location: otherLocation, sourceVersion: 11 })).toEqual({ action: 'skip', reason: 'not-owner' });
    expect(decideRemoval(live, { location, sourceVersion: 9 })).toEqual({ action: 'skip', reason: 'stale' });
  });
  it('remembers a removal that arrives before the entity, so the older upsert stays out', () => {
    expect(decideRemoval(null, { location, sourceVersion: 11 })).toEqual({ action: 'record-absence' });
    expect(decideRemoval({ ...live, deleted: true }, { location, sourceVersion: 11 })).toEqual({ action: 'record-absence' });
    expect(decideRemoval({ ...live, deleted: true }, { location, sourceVersion: 10 })).toEqual({ action: 'skip', reason: 'stale' });
    const tombstone: ProjectedEntityState = { ...live, deleted: true, sourceVersion: 11 };
    expect(decideUpsert(tombstone, { entity: entity(), location, originLocation: location, sourceVersion: 10 }, newUid)).toEqual({ action: 'skip', reason: 'stale' });
  });
});

describe('annotateWithLocation', () => {
  const sub = githubFileLocation('https://github.com/acme/svc', 'main', 'services/a/catalog-info.yaml');

  it('annotates a file in a subfolder with its view, edit and folder URLs', () => {
    expect(annotateWithLocation(entity(), sub, location).metadata.annotations).toEqual({
      'backstage.io/managed-by-location': 'url:https://github.com/acme/svc/blob/main/services/a/catalog-info.yaml',
      'backstage.io/managed-by-origin-location': `url:${location.target}`,
      'backstage.io/view-url': 'https://github.com/acme/svc/blob/main/services/a/catalog-info.yaml',
      'backstage.io/edit-url': 'https://github.com/acme/svc/edit/main/services/a/catalog-info.yaml',
      'backstage.io/source-location': 'url:https://github.com/acme/svc/tree/main/services/a/',
    });
  });

  it("always sets the managed-by annotations itself, while the entity's own view/edit/source values win", () => {
    const own = entity();
    own.metadata.annotations = {
      'backstage.io/managed-by-location': 'url:https://example.com/elsewhere.yaml',
      'backstage.io/managed-by-origin-location': 'url:https://example.com/origin.yaml',
      'backstage.io/edit-url': 'https://example.com/edit',
      'backstage.io/source-location': 'url:https://example.com/src/',
    };
    expect(annotateWithLocation(own, location, location).metadata.annotations).toEqual({
      'backstage.io/managed-by-location': `url:${location.target}`,
      'backstage.io/managed-by-origin-location': `url:${location.target}`,
      'backstage.io/view-url': location.target,
      'backstage.io/edit-url': 'https://example.com/edit',
      'backstage.io/source-location': 'url:https://example.com/src/',
    });
  });

  it('leaves out the edit URL of a location pinned to a commit, and keeps a query on the folder URL', () => {
    const pinned = { type: 'url' as const, target: 'https://github.com/acme/svc/blob/0123456789abcdef0123456789abcdef01234567/catalog-info.yaml' };
    const annotations = annotateWithLocation(entity(), pinned, pinned).metadata.annotations ?? {};
    expect(annotations).not.toHaveProperty('backstage.io/edit-url');
    expect(annotations['backstage.io/source-location']).toBe('url:https://github.com/acme/svc/tree/0123456789abcdef0123456789abcdef01234567/');
    const withQuery = { type: 'url' as const, target: 'https://ghe.example.com/acme/svc/blob/main/catalog-info.yaml?raw=1' };
    expect(annotateWithLocation(entity(), withQuery, withQuery).metadata.annotations?.['backstage.io/source-location']).toBe(
      'url:https://ghe.example.com/acme/svc/tree/main/?raw=1',
    );
  });

  it('names a file as Backstage\'s GitHub provider does: branch and path as written', () => {
    expect(githubFileLocation('https://github.com/acme/svc/', 'release/1.0', 'packages/@acme/ui/catalog-info.yaml').target).toBe(
      'https://github.com/acme/svc/blob/release/1.0/packages/@acme/ui/catalog-info.yaml',
    );
  });
});

describe('serveEntity', () => {
  it('replaces a script view or edit URL, as Backstage\'s stitching does', () => {
    const own = entity();
    own.metadata.annotations = { 'backstage.io/view-url': ' JaVa\tScript:alert(1)', 'backstage.io/edit-url': 'https://example.com/edit' };
    const served = serveEntity(own, 'u', []).entity;
    expect(served.metadata.annotations).toEqual({ 'backstage.io/view-url': REJECTED_ANNOTATION_URL, 'backstage.io/edit-url': 'https://example.com/edit' });
    expect(own.metadata.annotations['backstage.io/view-url']).toBe(' JaVa\tScript:alert(1)');
  });

  it('sets uid and relations over whatever the source had, but keeps an etag the source set', () => {
    const own: Entity = { ...entity(), metadata: { ...entity().metadata, uid: 'from-file', etag: 'from-file' }, relations: [{ type: 'x', targetRef: 'y:z/w' }] };
    const served = serveEntity(own, 'u', [{ type: 'ownedBy', targetRef: 'group:default/team-a' }]);
    expect(served.entity.metadata.uid).toBe('u');
    expect(served.entity.metadata.etag).toBe('from-file');
    expect(served.entity.relations).toEqual([{ type: 'ownedBy', targetRef: 'group:default/team-a' }]);
    expect(served.etag).not.toBe('from-file');
  });
});
