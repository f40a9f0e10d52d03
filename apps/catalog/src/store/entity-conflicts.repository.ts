import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityConflictDocument } from '@callboard/mongo';

/** A second location declaring an entity that another location owns. */
export interface EntityConflict {
  entityRef: string;
  ownerLocationKey: string;
  contenderLocationKey: string;
  deliveryId: string;
  commitSha: string;
}

export type ConflictChange = { kind: 'recorded'; conflict: EntityConflict } | { kind: 'resolved'; entityRef: string; contenderLocationKey: string };

const conflictId = (entityRef: string, contenderLocationKey: string) => `${entityRef}|${contenderLocationKey}`;

/** Conflicts are keyed by entity ref, so the ref's owner is their one writer, by `_id`. */
@Injectable()
export class EntityConflictsRepository {
  constructor(@InjectModel(EntityConflictDocument.name) private readonly conflicts: Model<EntityConflictDocument>) {}

  async apply(changes: readonly ConflictChange[]): Promise<void> {
    if (changes.length === 0) return;
    const now = new Date();
    await this.conflicts.collection.bulkWrite(
      changes.map((change) =>
        change.kind === 'recorded'
          ? {
              updateOne: {
                filter: { _id: conflictId(change.conflict.entityRef, change.conflict.contenderLocationKey) as never },
                update: { $set: { ...change.conflict, lastSeenAt: now }, $setOnInsert: { firstSeenAt: now } },
                upsert: true,
              },
            }
          : { deleteOne: { filter: { _id: conflictId(change.entityRef, change.contenderLocationKey) as never } } },
      ),
      { ordered: true },
    );
  }
}
