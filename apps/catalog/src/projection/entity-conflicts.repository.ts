import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityConflictDocument } from '@callboard/mongo';

/** Records second locations declaring an owned entity, so the conflict is visible, not silent. */
@Injectable()
export class EntityConflictsRepository {
  constructor(@InjectModel(EntityConflictDocument.name) private readonly conflicts: Model<EntityConflictDocument>) {}

  async record(conflict: { entityRef: string; ownerLocationKey: string; contenderLocationKey: string; deliveryId: string; commitSha: string }): Promise<void> {
    const now = new Date();
    await this.conflicts
      .updateOne(
        { _id: `${conflict.entityRef}|${conflict.contenderLocationKey}` },
        {
          $set: { ...conflict, lastSeenAt: now },
          $setOnInsert: { firstSeenAt: now },
        },
        { upsert: true },
      )
      .exec();
  }

  /** The contender no longer declares the entity: the conflict is over. */
  async resolve(entityRef: string, contenderLocationKey: string): Promise<void> {
    await this.conflicts.deleteOne({ _id: `${entityRef}|${contenderLocationKey}` }).exec();
  }
}
