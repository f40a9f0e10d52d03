import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { CatalogChangeV1 } from '@callboard/contracts';
import { EntityHistoryDocument } from '@callboard/mongo';

const CHANGE_TYPE_OF: Record<CatalogChangeV1['type'], string> = {
  'io.callboard.entity.created': 'created',
  'io.callboard.entity.updated': 'updated',
  'io.callboard.entity.deleted': 'deleted',
};

/** Appends to the per-entity history; recording the same change twice is a no-op. */
@Injectable()
export class EntityHistoryRepository {
  constructor(@InjectModel(EntityHistoryDocument.name) private readonly history: Model<EntityHistoryDocument>) {}

  async record(event: CatalogChangeV1): Promise<void> {
    try {
      await this.history.create({
        _id: event.id,
        entityRef: event.data.entityRef,
        uid: event.data.uid,
        time: new Date(event.time),
        changeType: CHANGE_TYPE_OF[event.type],
        etag: event.data.etag,
        deliveryId: event.data.cause.deliveryId,
        commitSha: event.data.cause.commitSha,
        repository: event.data.cause.repository,
        path: event.data.cause.path,
        causeEntityRef: event.data.cause.entityRef,
        patchJson: JSON.stringify(event.data.patch),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}
