import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityHistoryDocument } from '@callboard/mongo';

export interface HistoryPosition {
  time: Date;
  id: string;
}

/** Reads an entity's change history, newest first, in keyset pages. */
@Injectable()
export class EntityHistoryReadRepository {
  constructor(@InjectModel(EntityHistoryDocument.name) private readonly history: Model<EntityHistoryDocument>) {}

  page(entityRef: string, after: HistoryPosition | null, limit: number): Promise<EntityHistoryDocument[]> {
    const filter = after
      ? { entityRef, $or: [{ time: { $lt: after.time } }, { time: after.time, _id: { $lt: after.id } }] }
      : { entityRef };
    return this.history.find(filter).sort({ time: -1, _id: -1 }).limit(limit).lean<EntityHistoryDocument[]>().exec();
  }
}
