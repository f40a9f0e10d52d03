import { Entity } from '@backstage/catalog-model';
import { annotateWithLocation, LocationSpec } from './location-annotations';
import { emitRelations, RelationRow } from './relations';
import { stableHash } from './stable-hash';

/** What the catalog already holds for an entity ref, as far as deciding a write goes. */
export interface ProjectedEntityState {
  uid: string;
  inputHash: string;
  sourceVersion: number;
  locationKey: string;
  /** A tombstone: the entity was removed; kept so that a late, older upsert cannot resurrect it. */
  deleted: boolean;
}

export interface UpsertInput {
  entity: Entity;
  location: LocationSpec;
  originLocation: LocationSpec;
  sourceVersion: number;
}

export type UpsertDecision =
  | { action: 'skip'; reason: 'unchanged' | 'stale' }
  | { action: 'conflict'; ownerLocationKey: string }
  | { action: 'write'; processed: Entity; relationRows: RelationRow[]; inputHash: string; uid: string; created: boolean };

export type RemovalDecision =
  | { action: 'skip'; reason: 'stale' | 'not-owner' }
  | { action: 'delete' }
  /** Nothing to delete, but remember the removal so an older upsert arriving later stays out. */
  | { action: 'record-absence' };

export function locationKeyOf(location: LocationSpec): string {
  return `${location.type}:${location.target}`;
}

/**
 * The served form of an entity (Backstage's "final entity"): the processed input with the
 * server-set uid, its stitched relations, and an etag that changes whenever any of it does.
 */
export function serveEntity(processed: Entity, uid: string, relations: Array<{ type: string; targetRef: string }>): { entity: Entity; etag: string } {
  const withoutEtag: Entity = { ...processed, metadata: { ...processed.metadata, uid }, relations };
  const etag = stableHash(withoutEtag).slice(0, 32);
  return { entity: { ...withoutEtag, metadata: { ...withoutEtag.metadata, etag } }, etag };
}

/**
 * Decides what an upsert does to the projection (Backstage's processing step). The first
 * location to declare a ref owns it; another location declaring it is a conflict, never an
 * overwrite. An older event never overwrites a newer one, and an unchanged input writes nothing.
 */
export function decideUpsert(existing: ProjectedEntityState | null, input: UpsertInput, newUid: () => string): UpsertDecision {
  const locationKey = locationKeyOf(input.location);
  const live = existing && !existing.deleted ? existing : null;
  if (existing && input.sourceVersion < existing.sourceVersion) return { action: 'skip', reason: 'stale' };
  if (live && live.locationKey !== locationKey) return { action: 'conflict', ownerLocationKey: live.locationKey };

  const processed = annotateWithLocation(input.entity, input.location, input.originLocation);
  const inputHash = stableHash({ processed, locationKey });
  if (live && live.inputHash === inputHash) return { action: 'skip', reason: 'unchanged' };

  return { action: 'write', processed, relationRows: emitRelations(processed), inputHash, uid: live?.uid ?? newUid(), created: !live };
}

/** Decides what a removal does: only the owning location can remove, and never with an older event. */
export function decideRemoval(existing: ProjectedEntityState | null, input: { location: LocationSpec; sourceVersion: number }): RemovalDecision {
  if (!existing) return { action: 'record-absence' };
  if (existing.deleted) return input.sourceVersion > existing.sourceVersion ? { action: 'record-absence' } : { action: 'skip', reason: 'stale' };
  if (existing.locationKey !== locationKeyOf(input.location)) return { action: 'skip', reason: 'not-owner' };
  if (input.sourceVersion < existing.sourceVersion) return { action: 'skip', reason: 'stale' };
  return { action: 'delete' };
}
