import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Semaphore } from 'async-mutex';
import type { Model } from 'mongoose';
import { inflateRawSync } from 'node:zlib';
import { EntityDocument, EntityHistoryDocument, entityHistoryId } from '@callboard/mongo';

/** One recorded change of an entity. */
export interface HistoryRecord {
  seq: number;
  eventId: string;
  time: Date;
  changeType: string;
  entityRef: string;
  uid: string;
  etag: string | null;
  source: { deliveryId: string; repository: string; commitSha: string; path: string };
  causeEntityRef: string;
  patch: unknown[];
}

/** The driver hands binary fields out as its Binary type. */
function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from((value as { buffer: Uint8Array }).buffer);
}

// A page is this many `_id` lookups; FerretDB serves them from one index, a few at a time.
const READ_CONCURRENCY = 8;

/**
 * Reads an entity's change history, newest first: the entity's document says how many changes
 * were recorded, and each is found by `_id` (`<ref>#<seq>`), so a page costs `limit` index
 * lookups whatever the size of the history collection.
 */
@Injectable()
export class EntityHistoryReadRepository {
  private readonly reads = new Semaphore(READ_CONCURRENCY);

  constructor(
    @InjectModel(EntityHistoryDocument.name) private readonly history: Model<EntityHistoryDocument>,
    @InjectModel(EntityDocument.name) private readonly entities: Model<EntityDocument>,
  ) {}

  /** The number of the entity's latest recorded change (0: none). */
  async latestSeq(entityRef: string): Promise<number> {
    const doc = await this.entities.collection.findOne<Pick<EntityDocument, 'historySeq'>>({ _id: entityRef as never }, { projection: { historySeq: 1 } });
    return doc?.historySeq ?? 0;
  }

  /** Changes numbered below `beforeSeq`, newest first, at most `limit`. */
  async page(entityRef: string, beforeSeq: number, limit: number): Promise<HistoryRecord[]> {
    const seqs: number[] = [];
    for (let seq = beforeSeq - 1; seq >= 1 && seqs.length < limit; seq -= 1) seqs.push(seq);
    const docs = await Promise.all(
      seqs.map((seq) => this.reads.runExclusive(() => this.history.collection.findOne<EntityHistoryDocument>({ _id: entityHistoryId(entityRef, seq) as never }))),
    );
    return docs
      .filter((doc): doc is EntityHistoryDocument => doc !== null)
      .map((doc) => ({
        seq: doc.seq,
        eventId: doc.eventId,
        time: doc.time,
        changeType: doc.changeType,
        entityRef: doc.entityRef,
        uid: doc.uid,
        etag: doc.etag,
        source: { deliveryId: doc.deliveryId, repository: doc.repository, commitSha: doc.commitSha, path: doc.path },
        causeEntityRef: doc.causeEntityRef,
        patch: JSON.parse(inflateRawSync(bytesOf(doc.patchDeflated)).toString('utf8')) as unknown[],
      }));
  }
}
