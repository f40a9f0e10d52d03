import type { EntityStatusV1 } from '@callboard/contracts';
import type { EntityRecord, LocationProblems } from '../store/entity-record';
import type { ChangeCause } from '../publishing/change-event.factory';

export interface AppliedEntityStatus {
  record: EntityRecord;
  changed: boolean;
  /** The read that reported the last status applied: what the entity's change event names. */
  cause: ChangeCause | null;
}

/**
 * Applies processing-status records, in offset order, to their entity: each replaces what its
 * location reported before, unless the entity already holds a newer report from that location;
 * an empty list forgets the location's errors. Kept per location, whether or not it owns the
 * entity (a status may arrive before the upsert it follows, on another topic); stitching serves
 * the owner's.
 */
export function applyEntityStatus(current: EntityRecord, updates: readonly EntityStatusV1[]): AppliedEntityStatus {
  let problems = current.problems;
  let cause: ChangeCause | null = null;
  for (const update of updates) {
    const locationKey = `${update.location.type}:${update.location.target}`;
    const held = problems.find((p) => p.locationKey === locationKey);
    if (held && held.sourceVersion > update.sourceVersion) continue;
    if (!held && update.errors.length === 0) continue;
    const others = problems.filter((p) => p.locationKey !== locationKey);
    const entry: LocationProblems = { locationKey, sourceVersion: update.sourceVersion, errors: update.errors.map(({ name, message }) => ({ name, message })) };
    problems = update.errors.length === 0 ? others : [...others, entry].sort((a, b) => (a.locationKey < b.locationKey ? -1 : a.locationKey > b.locationKey ? 1 : 0));
    cause = { entityRef: current.ref, deliveryId: update.source.deliveryId, repository: update.source.repository, commitSha: update.source.commitSha, path: update.source.path };
  }
  if (cause === null) return { record: current, changed: false, cause: null };
  return { record: { ...current, problems }, changed: true, cause };
}
