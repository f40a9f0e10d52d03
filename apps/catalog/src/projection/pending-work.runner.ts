import { Injectable } from '@nestjs/common';
import { decodeRelationRow } from '@callboard/mongo';
import { ChangeCause } from '../changes/change-event.factory';
import { ChangeOutboxPublisher } from '../changes/change-outbox.publisher';
import { EntityStitcher } from '../stitching/entity-stitcher.service';
import { EntityStoreRepository, StoredEntity } from './entity-store.repository';
import { RelationIndexRepository } from './relation-index.repository';

export function causeOf(doc: StoredEntity): ChangeCause {
  return { entityRef: doc._id, deliveryId: doc.source.deliveryId, repository: doc.source.repository, commitSha: doc.source.commitSha, path: doc.source.path };
}

/**
 * Finishes what a processed write recorded on its document: update the relation index,
 * re-stitch the affected entities, publish their change events, clear the markers. Every step
 * is idempotent, so the same runner completes work interrupted by a crash.
 */
@Injectable()
export class PendingWorkRunner {
  constructor(
    private readonly store: EntityStoreRepository,
    private readonly relations: RelationIndexRepository,
    private readonly stitcher: EntityStitcher,
    private readonly outbox: ChangeOutboxPublisher,
  ) {}

  /** `current`: the document as the caller just read it, to save reading it again. */
  async complete(ref: string, current?: StoredEntity | null): Promise<void> {
    const doc = current === undefined ? await this.store.find(ref) : current;
    if (!doc || !doc.pendingWork) return;
    // Documents written by an older version may lack the newer array fields.
    const pending = [...(doc.pendingStitch ?? [])];
    // Each change is published as soon as it is written, so readers see the entity that
    // changed without waiting for its neighbours to be re-stitched (a removal's own change
    // first of all).
    if (!pending.includes(ref)) await this.outbox.flush(ref, { outbox: doc.outbox ?? [] });
    if (pending.length > 0) {
      const rows = doc.relationRows ?? [];
      const current = rows.map(decodeRelationRow);
      const currentKeys = new Set(rows);
      const removed = (doc.previousRelationRows ?? []).filter((row) => !currentKeys.has(row)).map(decodeRelationRow);
      await this.relations.applyDelta(ref, removed, current);
      const cause = causeOf(doc);
      for (const target of pending) {
        await this.outbox.flush(target, await this.stitcher.stitch(target, cause));
      }
      await this.store.finishStitching(ref, pending);
    }
    for (const target of new Set([ref, ...pending])) await this.store.clearPendingWork(target);
  }
}
