import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { mongo, type Model } from 'mongoose';
import { deflateRawSync } from 'node:zlib';
import type { CatalogChangeV1 } from '@callboard/contracts';
import { EntityHistoryDocument, entityHistoryId } from '@callboard/mongo';

const CHANGE_TYPE_OF: Record<CatalogChangeV1['type'], string> = {
  'io.callboard.entity.created': 'created',
  'io.callboard.entity.updated': 'updated',
  'io.callboard.entity.deleted': 'deleted',
};

const DUPLICATE_KEY = 11000;
const CHUNK = 500;

/** One change of an entity, numbered within the entity. */
export interface HistoryEntry {
  seq: number;
  event: CatalogChangeV1;
}

/** Appends to the per-entity history in bulk; recording a change again (same ref and seq) is a no-op. */
@Injectable()
export class EntityHistoryRepository {
  constructor(@InjectModel(EntityHistoryDocument.name) private readonly history: Model<EntityHistoryDocument>) {}

  async record(entries: readonly HistoryEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += CHUNK) {
      const documents = entries.slice(i, i + CHUNK).map(({ seq, event }) => ({
        _id: entityHistoryId(event.data.entityRef, seq),
        seq,
        eventId: event.id,
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
        patchDeflated: new mongo.Binary(deflateRawSync(Buffer.from(JSON.stringify(event.data.patch)), { level: 1 })),
      }));
      try {
        await this.history.collection.insertMany(documents as never[], { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: Array<{ code: number }> | { code: number } }).writeErrors;
        const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      }
    }
  }
}
