import type { CatalogChangeV1, EntityEventSource, RelationUpdateV1 } from '@callboard/contracts';
import type { Entity, RelationRow } from '@callboard/entity-model';

/**
 * - `live`: declared by a location and served;
 * - `removed`: a tombstone, kept with the version of the removal so a late, older upsert cannot
 *   resurrect the entity (also recorded for a removal of an entity never seen);
 * - `referenced`: never declared, only named by other entities' relations (kept for when it is).
 */
export type EntityStatus = 'live' | 'removed' | 'referenced';

export type EntitySource = Omit<EntityEventSource, 'repositoryId'>;

export interface ServedRelation {
  type: string;
  targetRef: string;
}

/** The relations one other entity (the origin) emits whose source is this entity. */
export interface IncomingRelations {
  origin: string;
  originRevision: number;
  relations: ServedRelation[];
}

/** Where a piece of work came from: the consumer group that consumed it and the message's topic, partition and offset. */
export interface ConsumedPosition {
  group: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * What one record's write is to publish: the changes it made (numbered in the entity's
 * history), whether the served table gets its new served form, the relation updates it sends.
 * Written ahead to the batch outbox, so a crash between the write and its publication is
 * finished after restart, with the same CloudEvents ids.
 */
export interface Publication {
  ref: string;
  /** The write it belongs to (the record's `lastWrite` once written). */
  writeId: string;
  changes: Array<{ seq: number; event: CatalogChangeV1 }>;
  served: boolean;
  relationUpdates: RelationUpdateV1[];
}

/** What a location's latest read reported about processing the entity (callboard.entity-status.v1). */
export interface LocationProblems {
  locationKey: string;
  sourceVersion: number;
  errors: Array<{ name: string; message: string }>;
}

/** Everything the catalog keeps about one entity ref. */
export interface EntityRecord {
  ref: string;
  status: EntityStatus;
  uid: string;
  /** The processed input (location annotations applied), null unless live. */
  processed: Entity | null;
  inputHash: string;
  locationKey: string;
  sourceVersion: number;
  source: EntitySource | null;
  /** Relation rows this entity emits, both directions (Backstage's relations table rows with this entity as origin). */
  emitted: RelationRow[];
  /** This entity's relation index: what others emit with it as source. */
  incoming: IncomingRelations[];
  /** Etag of the served entity when last written; '' when not served. */
  etag: string;
  /** 0 until first stored; every write adds one. */
  revision: number;
  historySeq: number;
  /** Which write wrote it last ('' before its first): what the batch outbox names. */
  lastWrite: string;
  /** Processing errors per reporting location; the owner's are served as `status.items`. */
  problems: LocationProblems[];
}

/** A ref the catalog has no record of yet. */
export function unknownRecord(ref: string): EntityRecord {
  return {
    ref,
    status: 'referenced',
    uid: '',
    processed: null,
    inputHash: '',
    locationKey: '',
    sourceVersion: 0,
    source: null,
    emitted: [],
    incoming: [],
    etag: '',
    revision: 0,
    historySeq: 0,
    lastWrite: '',
    problems: [],
  };
}
