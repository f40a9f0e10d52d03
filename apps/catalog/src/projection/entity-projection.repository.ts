import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { EntityDocument, encodeSearchPairs } from '@callboard/mongo';
import type { ProjectedEntityState, SearchPair } from '@callboard/entity-model';

/** Another writer changed the document between our read and our write; re-run the decision. */
export class ConcurrentWriteError extends Error {}

export interface StoredEntityState extends ProjectedEntityState {
  revision: number;
}

export interface EntityWrite {
  ref: string;
  uid: string;
  etag: string;
  kind: string;
  namespace: string;
  name: string;
  entityJson: string;
  inputHash: string;
  locationKey: string;
  sourceVersion: number;
  search: SearchPair[];
  source: EntityDocument['source'];
}

/** The catalog's writes to the `entities` collection: one conditional operation per change. */
@Injectable()
export class EntityProjectionRepository {
  constructor(@InjectModel(EntityDocument.name) private readonly entities: Model<EntityDocument>) {}

  async findState(ref: string): Promise<StoredEntityState | null> {
    const doc = await this.entities
      .findById(ref, { uid: 1, inputHash: 1, sourceVersion: 1, locationKey: 1, deleted: 1, revision: 1 })
      .lean<Pick<EntityDocument, 'uid' | 'inputHash' | 'sourceVersion' | 'locationKey' | 'deleted' | 'revision'>>()
      .exec();
    return doc
      ? { uid: doc.uid, inputHash: doc.inputHash, sourceVersion: doc.sourceVersion, locationKey: doc.locationKey, deleted: doc.deleted, revision: doc.revision }
      : null;
  }

  /** Writes the entity if the document is still at `expectedRevision` (null: must not exist yet). */
  async write(change: EntityWrite, expectedRevision: number | null): Promise<void> {
    const { ref, search, ...rest } = change;
    const fields = { ...rest, ...encodeSearchPairs(search) };
    if (expectedRevision === null) {
      try {
        await this.entities.create({ _id: ref, ...fields, deleted: false, revision: 1 });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) throw new ConcurrentWriteError(`${ref} was created concurrently`);
        throw err;
      }
      return;
    }
    const result = await this.entities
      .updateOne({ _id: ref, revision: expectedRevision }, { $set: { ...fields, deleted: false, revision: expectedRevision + 1 } })
      .exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }

  /** Marks the entity removed, keeping a tombstone that records how new the removal was. */
  async tombstone(ref: string, expectedRevision: number, sourceVersion: number, source: EntityDocument['source']): Promise<void> {
    const result = await this.entities
      .updateOne(
        { _id: ref, revision: expectedRevision },
        { $set: { deleted: true, entityJson: null, search: [], searchKeys: [], sourceVersion, source, revision: expectedRevision + 1 } },
      )
      .exec();
    if (result.matchedCount === 0) throw new ConcurrentWriteError(`${ref} changed concurrently`);
  }
}
