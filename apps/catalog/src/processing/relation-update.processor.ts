import type { RelationUpdateV1 } from '@callboard/contracts';
import type { EntityRecord } from '../store/entity-record';

export interface AppliedRelationUpdates {
  record: EntityRecord;
  changed: boolean;
  /** The cause of the last update applied: what the subject's change event names. */
  cause: RelationUpdateV1['cause'] | null;
  /** Updates older than (or the same as) what the subject already holds from their origin. */
  stale: number;
}

/**
 * Applies relation updates, in offset order, to their subject's relation index: each replaces
 * what its origin emitted towards the subject before, unless the subject already holds a newer
 * one from that origin (a redelivery, or an update overtaken by a later one).
 */
export function applyRelationUpdates(current: EntityRecord, updates: readonly RelationUpdateV1[]): AppliedRelationUpdates {
  let incoming = current.incoming;
  let cause: RelationUpdateV1['cause'] | null = null;
  let stale = 0;
  for (const update of updates) {
    const held = incoming.find((entry) => entry.origin === update.origin);
    if (held && held.originRevision >= update.originRevision) {
      stale += 1;
      continue;
    }
    const others = incoming.filter((entry) => entry.origin !== update.origin);
    // An origin that withdrew everything is forgotten, so that a subject's index does not grow
    // with every entity that ever named it. Each origin's updates arrive in the order its owner
    // wrote them (one partition, resent in order after a crash), so nothing older can follow.
    if (update.relations.length === 0 && !held) continue;
    incoming =
      update.relations.length === 0
        ? others
        : [...others, { origin: update.origin, originRevision: update.originRevision, relations: update.relations }].sort((a, b) =>
            a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0,
          );
    cause = update.cause;
  }
  if (cause === null) return { record: current, changed: false, cause: null, stale };
  return { record: { ...current, incoming }, changed: true, cause, stale };
}
