import type { CatalogChangeV1, RelationUpdateV1 } from '@callboard/contracts';
import type { ConsumedPosition, PendingPublication } from '../store/entity-record';

/**
 * The pending publication a write records: what this batch publishes for the record, after
 * whatever earlier publication of it was found not yet published (a crash) — kept in front,
 * so that a crash before this batch is published sends both, in their order.
 */
export function nextPendingPublication(
  unpublished: PendingPublication | null,
  position: ConsumedPosition,
  now: { changes: Array<{ seq: number; event: CatalogChangeV1 }>; served: boolean; relationUpdates: RelationUpdateV1[] },
): PendingPublication | null {
  const changes = [...(unpublished?.changes ?? []), ...now.changes];
  const relationUpdates = [...(unpublished?.relationUpdates ?? []), ...now.relationUpdates];
  const served = Boolean(unpublished?.served) || now.served;
  if (changes.length === 0 && relationUpdates.length === 0 && !served) return null;
  return { position, changes, served, relationUpdates };
}
