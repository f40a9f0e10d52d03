import { Entity, RelationRow, serveEntity, stitchRelations } from '@callboard/entity-model';
import type { EntityRecord } from '../store/entity-record';

export interface Served {
  entity: Entity;
  etag: string;
}

/** Every relation row whose source is the record's entity: those it emits itself and those others emit towards it. */
function rowsWithSource(record: EntityRecord): RelationRow[] {
  const incoming = record.incoming.flatMap((entry) => entry.relations.map((r) => ({ source: record.ref, type: r.type, target: r.targetRef })));
  return [...record.emitted, ...incoming];
}

/**
 * Stitching (Backstage's third step): the served entity is the processed input plus every
 * relation whose source it is, whoever emitted it, with the uid and an etag that changes with
 * any of it. Nothing is served for a record that is not live.
 */
export function servedOf(record: EntityRecord): Served | null {
  if (record.status !== 'live' || !record.processed) return null;
  const known = stitched.get(record);
  if (known !== undefined) return known;
  // Only the owner's errors: a contender's broken document says nothing about the entity served.
  const errors = record.problems.find((p) => p.locationKey === record.locationKey)?.errors ?? [];
  const served = serveEntity(record.processed, record.uid, stitchRelations(record.ref, rowsWithSource(record)), errors);
  stitched.set(record, served);
  return served;
}

// Records are never changed in place (a change is a new record), so a stitch can be remembered
// per record: a hot entity kept in memory is not stitched again for every batch that reads it.
const stitched = new WeakMap<EntityRecord, Served | null>();

/** Remembers what a record serves when it was just computed for it (or for its unchanged content). */
export function rememberServed(record: EntityRecord, served: Served | null): void {
  stitched.set(record, served);
}
