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
      const doc = await this.live.collection.findOne<Pick<EntityDocument, 'uid' | 'status'>>({ _id: ref as never }, { projection: { uid: 1, status: 1 } });
      if (doc && doc.status === 'live' && doc.uid) return doc.uid;
    }
    return randomUUID();
  }

  /** While rebuilding: how many changes the live projection recorded for the ref, so its history numbering goes on. */
  async historySeqFor(ref: string): Promise<number> {
    if (!this.config.CATALOG_UIDS_FROM_LIVE) return 0;
    const doc = await this.live.collection.findOne<Pick<EntityDocument, 'historySeq'>>({ _id: ref as never }, { projection: { historySeq: 1 } });
    return doc?.historySeq ?? 0;
  }
}
