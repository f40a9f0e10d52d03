import { ANNOTATION_EDIT_URL, ANNOTATION_VIEW_URL, Entity } from '@backstage/catalog-model';
import { annotateWithLocation, LocationSpec } from './location-annotations';
import { sortRelationFields } from './relation-field-order';
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
  /** The location `location` replaces (repository renamed or transferred, default branch changed). */
  supersedesLocation?: LocationSpec;
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

/**
 * Part of every input hash: bump it whenever processing or stitching rules change, so inputs
 * seen again are processed again instead of being skipped as unchanged (`npm run
 * catalog:rebuild` reprocesses everything at once).
 */
export const PROCESSING_VERSION = 3;

export function locationKeyOf(location: LocationSpec): string {
  return `${location.type}:${location.target}`;
}

// Backstage's performStitching replaces a view/edit URL that would run script when followed.
// See https://github.com/facebook/react/blob/f0cf832e1d0c8544c36aa8b310960885a11a847c/packages/react-dom-bindings/src/shared/sanitizeURL.js
// eslint-disable-next-line no-control-regex
const SCRIPT_PROTOCOL = /^[\u0000-\u001F ]*j[\r\n\t]*a[\r\n\t]*v[\r\n\t]*a[\r\n\t]*s[\r\n\t]*c[\r\n\t]*r[\r\n\t]*i[\r\n\t]*p[\r\n\t]*t[\r\n\t]*:/i;
export const REJECTED_ANNOTATION_URL = 'https://backstage.io/annotation-rejected-for-security-reasons';

function withSafeUrlAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return annotations;
  let safe = annotations;
  for (const key of [ANNOTATION_VIEW_URL, ANNOTATION_EDIT_URL]) {
    const value = annotations[key];
    if (typeof value === 'string' && SCRIPT_PROTOCOL.test(value)) safe = { ...safe, [key]: REJECTED_ANNOTATION_URL };
  }
  return safe;
}

/**
 * The served form of an entity (Backstage's "final entity", performStitching): the processed
 * input with a script view/edit URL neutralised, its stitched relations, the server-set uid,
 * and an etag. The returned `etag` is the hash of the served content and changes whenever any
 * of it does; `metadata.etag` is that hash too, unless the source entity set its own etag,
 * which Backstage keeps.
 */
export function serveEntity(
  processed: Entity,
  uid: string,
  relations: Array<{ type: string; targetRef: string }>,
  processingErrors: ReadonlyArray<{ name: string; message: string }> = [],
): { entity: Entity; etag: string } {
  const annotations = withSafeUrlAnnotations(processed.metadata.annotations);
  const withoutEtag: Entity = {
    ...processed,
    metadata: { ...processed.metadata, ...(annotations ? { annotations } : {}), uid },
    relations,
    ...(processingErrors.length > 0 ? { status: { items: processingErrors.map(processingStatusItem) } } : {}),
  };
  const etag = stableHash(withoutEtag).slice(0, 32);
  return { entity: { ...withoutEtag, metadata: { ...withoutEtag.metadata, etag: processed.metadata.etag || etag } }, etag };
}

/**
 * A processing error as Backstage's stitching serves it in `status.items` (the entity keeps being
 * served as last processed successfully, with the error beside it).
 */
export function processingStatusItem(error: { name: string; message: string }) {
  return { type: 'backstage.io/catalog-processing', level: 'error' as const, message: `${error.name}: ${error.message}`, error: { name: error.name, message: error.message } };
}

/**
 * Decides what an upsert does to the projection (Backstage's processing step). The first
 * location to declare a ref owns it; another location declaring it is a conflict, never an
 * overwrite, unless the event names the owner as the location it supersedes: then ownership
 * moves. An older event never overwrites a newer one, and an unchanged input writes nothing.
 */
export function decideUpsert(existing: ProjectedEntityState | null, input: UpsertInput, newUid: () => string): UpsertDecision {
  const locationKey = locationKeyOf(input.location);
  const live = existing && !existing.deleted ? existing : null;
  if (existing && input.sourceVersion < existing.sourceVersion) return { action: 'skip', reason: 'stale' };
  // The owner moved (renamed repository, new default branch): the entity goes with it, keeping its uid.
  const moved = live !== null && input.supersedesLocation !== undefined && live.locationKey === locationKeyOf(input.supersedesLocation);
  if (live && live.locationKey !== locationKey && !moved) return { action: 'conflict', ownerLocationKey: live.locationKey };

  // Backstage's pre-processing (sorted relation lists), then the annotations it sets from the location.
  const processed = annotateWithLocation(sortRelationFields(input.entity), input.location, input.originLocation);
  const inputHash = stableHash({ version: PROCESSING_VERSION, processed, locationKey });
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
