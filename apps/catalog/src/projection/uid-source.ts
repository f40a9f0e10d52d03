import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '@callboard/config';
import type { EntityDocument } from '@callboard/mongo';
import type { CatalogConfig } from '../catalog.config';

/** The live `entities` collection, read by a rebuild for the uids it must keep. */
export const LIVE_ENTITIES_MODEL = 'LiveEntityDocument';

/**
 * Where a new entity's uid comes from: a fresh UUID, or, while rebuilding, the uid the live
 * projection already gave that entity, so uids stay stable for the life of each entity.
 */
@Injectable()
export class UidSource {
  constructor(
    @InjectModel(LIVE_ENTITIES_MODEL) private readonly live: Model<EntityDocument>,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async uidFor(ref: string): Promise<string> {
    if (this.config.CATALOG_UIDS_FROM_LIVE) {
      const doc = await this.live.findById(ref, { uid: 1, deleted: 1 }).lean<Pick<EntityDocument, 'uid' | 'deleted'>>().exec();
      if (doc && !doc.deleted) return doc.uid;
    }
    return randomUUID();
  }
}
