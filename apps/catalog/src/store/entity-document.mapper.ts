import type { Entity } from '@callboard/entity-model';
import type { EntityDocument } from '@callboard/mongo';
import type { EntityRecord } from './entity-record';
import { decodeIncoming, decodeRelationRows, encodeIncoming, encodeRelationRows } from './relation-encoding';

export type StoredEntityDocument = Omit<EntityDocument, 'updatedAt'>;

/** The document an entity record is stored as (JSON text where keys may contain dots). */
export function toDocument(record: EntityRecord): StoredEntityDocument & { updatedAt: Date } {
  return {
    _id: record.ref,
    status: record.status,
    uid: record.uid,
    processedJson: record.processed ? JSON.stringify(record.processed) : null,
    inputHash: record.inputHash,
    locationKey: record.locationKey,
    sourceVersion: record.sourceVersion,
    source: record.source,
    relationRows: encodeRelationRows(record.emitted),
    incoming: encodeIncoming(record.incoming),
    etag: record.etag,
    revision: record.revision,
    historySeq: record.historySeq,
    lastWrite: record.lastWrite,
    problemsJson: record.problems.length > 0 ? JSON.stringify(record.problems) : '',
    updatedAt: new Date(),
  };
}

export function toRecord(doc: StoredEntityDocument): EntityRecord {
  return {
    ref: doc._id,
    status: doc.status,
    uid: doc.uid ?? '',
    processed: doc.processedJson ? (JSON.parse(doc.processedJson) as Entity) : null,
    inputHash: doc.inputHash ?? '',
    locationKey: doc.locationKey ?? '',
    sourceVersion: doc.sourceVersion ?? 0,
    source: doc.source ? { provider: 'github', deliveryId: doc.source.deliveryId, repository: doc.source.repository, commitSha: doc.source.commitSha, path: doc.source.path } : null,
    emitted: decodeRelationRows(doc.relationRows),
    incoming: decodeIncoming(doc.incoming),
    etag: doc.etag ?? '',
    revision: doc.revision,
    historySeq: doc.historySeq ?? 0,
    lastWrite: doc.lastWrite ?? '',
    problems: doc.problemsJson ? (JSON.parse(doc.problemsJson) as EntityRecord['problems']) : [],
  };
}
