import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Semaphore } from 'async-mutex';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import { EntityDocument } from '@callboard/mongo';
import { StoredEntityDocument, toDocument, toRecord } from './entity-document.mapper';
import { EntityRecord } from './entity-record';
import { ConcurrentWriteError } from './retry-on-conflict';

// FerretDB answers reads by `_id` from one SQLite index; more in flight than this only queue.
const READ_CONCURRENCY = 16;
// Documents per insert command, and replace statements per update command (each statement is a
// read and a write in FerretDB; an unpatched 1.24 hangs at 100 statements in one command).
const INSERT_CHUNK = 500;
const REPLACE_CHUNK = 50;
const DUPLICATE_KEY = 11000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The `entities` collection, touched only by `_id`: reads one document each (a few in
 * parallel), writes in bulk, each whole document conditional on the revision it was read at.
 * Returns domain records, never documents.
 */
@Injectable()
export class EntityStoreRepository {
  private readonly reads = new Semaphore(READ_CONCURRENCY);

  constructor(@InjectModel(EntityDocument.name) private readonly entities: Model<EntityDocument>) {}

  /** The stored records of these refs (refs without one are absent from the map). */
  async load(refs: readonly string[]): Promise<Map<string, EntityRecord>> {
    const found = await Promise.all(
      refs.map((ref) => this.reads.runExclusive(() => this.entities.collection.findOne<StoredEntityDocument>({ _id: ref as unknown as never }))),
    );
    const out = new Map<string, EntityRecord>();
    for (const doc of found) if (doc) out.set(doc._id, toRecord(doc));
    return out;
  }

  async find(ref: string): Promise<EntityRecord | null> {
    return (await this.load([ref])).get(ref) ?? null;
  }

  /**
   * Inserts records that had no document when they were decided on; returns the refs that had
   * one after all (inserted by nobody else than an earlier run of this same work, since each ref
   * has one writer), to be read and decided again.
   */
  async insertNew(records: readonly EntityRecord[]): Promise<string[]> {
    const existing: string[] = [];
    for (const chunk of chunks(records, INSERT_CHUNK)) {
      try {
        await this.entities.collection.insertMany(chunk.map(toDocument) as never[], { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: Array<{ index: number; code: number }> | { index: number; code: number } }).writeErrors;
        const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        if (errors.length === 0 || errors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
        for (const e of errors) existing.push(chunk[e.index].ref);
      }
    }
    return existing;
  }

  /** Replaces stored records, each only if it is still at `expectedRevision`; a mismatch fails the whole call. */
  async replace(writes: ReadonlyArray<{ record: EntityRecord; expectedRevision: number }>): Promise<void> {
    for (const chunk of chunks(writes, REPLACE_CHUNK)) {
      const operations: AnyBulkWriteOperation<EntityDocument>[] = chunk.map(({ record, expectedRevision }) => ({
        replaceOne: { filter: { _id: record.ref, revision: expectedRevision }, replacement: toDocument(record) as never },
      }));
      const result = await this.entities.collection.bulkWrite(operations as never, { ordered: false });
      if (result.matchedCount < chunk.length) {
        throw new ConcurrentWriteError(
          `${chunk.length - result.matchedCount} of ${chunk.length} entity documents changed since they were read`,
          chunk.map((w) => w.record.ref),
        );
      }
    }
  }
}
