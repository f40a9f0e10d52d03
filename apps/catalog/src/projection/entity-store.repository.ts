import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityDocument } from '@callboard/mongo';

/** Another writer changed the document between our read and our write; re-run the decision. */
export class ConcurrentWriteError extends Error {}

export type StoredEntity = Omit<EntityDocument, 'createdAt' | 'updatedAt'>;

export interface ProcessedWrite {
  ref: string;
  uid: string;
  kind: string;
  namespace: string;
  name: string;
  processedJson: string;
  inputHash: string;
  locationKey: string;
  sourceVersion: number;
  relationRows: string[];
  previousRelationRows: string[];
  pendingStitch: string[];
  source: EntityDocument['source'];
}

export interface ServedWrite {
  entityJson: string | null;
  etag: string;
  /** CloudEvents JSON recorded in the same write as the change it describes. */
  changeEvent: string;
}

/** The catalog's reads and writes of the `entities` collection, each one database operation. */
@Injectable()
export class EntityStoreRepository {
  constructor(@InjectModel(EntityDocument.name) private readonly entities: Model<EntityDocument>) {}

  find(ref: string): Promise<StoredEntity | null> {
    return this.entities.findById(ref).lean<StoredEntity>().exec();
  }

  /** Ids of documents with unfinished work (a crash between steps, a failed publish) last written before `before`. */
  async findWithPendingWork(limit: number, before: Date): Promise<string[]> {
    const docs = await this.entities.find({ pendingWork: true, updatedAt: { $lt: before } }, { _id: 1 }).limit(limit).lean<Array<{ _id: string }>>().exec();
    return docs.map((d) => d._id);
  }

  /** Records a processed input, the relation delta to apply and what to re-stitch. */
  async writeProcessed(change: ProcessedWrite, expectedRevision: number | null): Promise<void> {
    const { ref, ...fields } = change;
    if (expectedRevision === null) {
      try {
        await this.entities.create({ _id: ref, ...fields, deleted: false, revision: 1, pendingWork: true, entityJson: null, etag: '', outbox: [] });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw new ConcurrentWriteError(`${ref} was created concurrently`);
        throw err;
      }
      return;
    }
    const result = await this.entities
      .updateOne({ _id: ref, revision: expectedRevision }, { $set: { ...fields, deleted: false, pendingWork: true, revision: expectedRevision + 1 } })
      .exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }

  /** Turns the entity into a tombstone, recording its deletion event in the same write. */
  async writeTombstone(
    ref: string,
    expectedRevision: number,
    change: Pick<ProcessedWrite, 'sourceVersion' | 'source' | 'previousRelationRows' | 'pendingStitch'> & { changeEvent: string | null },
  ): Promise<void> {
    const { changeEvent, ...fields } = change;
    const result = await this.entities
      .updateOne(
        { _id: ref, revision: expectedRevision },
        {
          $set: { ...fields, deleted: true, processedJson: null, entityJson: null, etag: '', relationRows: [], pendingWork: true, revision: expectedRevision + 1 },
          ...(changeEvent ? { $push: { outbox: { $each: [changeEvent] } } } : {}),
        },
      )
      .exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }

  /** Remembers a removal of an entity that is absent (or already removed) with how new it was. */
  async recordAbsence(
    ref: string,
    existing: { revision: number } | null,
    absence: Pick<ProcessedWrite, 'uid' | 'kind' | 'namespace' | 'name' | 'locationKey' | 'sourceVersion' | 'source'>,
  ): Promise<void> {
    if (existing === null) {
      try {
        await this.entities.create({ _id: ref, ...absence, inputHash: 'absent', deleted: true, revision: 1, processedJson: null, entityJson: null, etag: '' });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw new ConcurrentWriteError(`${ref} was created concurrently`);
        throw err;
      }
      return;
    }
    const result = await this.entities
      .updateOne({ _id: ref, revision: existing.revision }, { $set: { sourceVersion: absence.sourceVersion, source: absence.source, revision: existing.revision + 1 } })
      .exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }

  /** Stores a newly stitched served entity and its change event, in one conditional write. */
  async writeServed(ref: string, expectedRevision: number, served: ServedWrite): Promise<void> {
    const result = await this.entities
      .updateOne(
        { _id: ref, revision: expectedRevision },
        {
          $set: { entityJson: served.entityJson, etag: served.etag, pendingWork: true, revision: expectedRevision + 1 },
          $push: { outbox: { $each: [served.changeEvent] } },
        },
      )
      .exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }

  /**
   * Claims the document's revision without changing it. A stitch that found nothing to change
   * still bumps the revision, so a concurrent stitch that read relation rows from before a
   * change cannot commit its stale result afterwards (its conditional write fails and it
   * re-reads).
   */
  async touch(ref: string, expectedRevision: number): Promise<void> {
    const result = await this.entities.updateOne({ _id: ref, revision: expectedRevision }, { $set: { revision: expectedRevision + 1 } }).exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }

  /** Removes published events; events appended meanwhile stay (`$pullAll` is exact). */
  async removeFromOutbox(ref: string, published: string[]): Promise<void> {
    if (published.length) await this.entities.updateOne({ _id: ref }, { $pullAll: { outbox: published } }).exec();
  }

  async finishStitching(ref: string, stitched: string[]): Promise<void> {
    await this.entities.updateOne({ _id: ref }, { $pullAll: { pendingStitch: stitched }, $set: { previousRelationRows: [] } }).exec();
  }

  /** Clears the pending flag only if nothing was left or added meanwhile. */
  async clearPendingWork(ref: string): Promise<void> {
    const empty = (field: 'outbox' | 'pendingStitch') => ({ $or: [{ [field]: { $size: 0 } }, { [field]: { $exists: false } }] });
    await this.entities.updateOne({ _id: ref, $and: [empty('outbox'), empty('pendingStitch')] }, { $set: { pendingWork: false } }).exec();
  }
}
