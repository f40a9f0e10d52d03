import { Injectable } from '@nestjs/common';
import type { EntityEventV1 } from '@callboard/contracts';
import { decideRemoval, decideUpsert, entityRefOf, locationKeyOf, ProjectedEntityState, validateEntity } from '@callboard/entity-model';
import type { ConflictChange } from '../store/entity-conflicts.repository';
import type { EntityRecord, EntitySource } from '../store/entity-record';
import { UidSource } from '../store/uid-source';

export type ProjectionOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'stale' | 'conflict' | 'absent' | 'not-owner' | 'rejected';

/** An event the catalog cannot apply, and why (it is dead-lettered; the rest goes on). */
export interface RejectedEvent<M> {
  message: M;
  reason: string;
}

export interface ProcessedEvents<M> {
  /** The record after the events, a new object when anything changed (`changed`). */
  record: EntityRecord;
  changed: boolean;
  conflicts: ConflictChange[];
  rejected: Array<RejectedEvent<M>>;
  /** The source of the last event that changed the record: what a change event names as cause. */
  cause: EntitySource | null;
  outcomes: ProjectionOutcome[];
}

function projectedState(record: EntityRecord): ProjectedEntityState | null {
  // A ref only named by relations has never been declared: for processing it does not exist.
  if (record.status === 'referenced') return null;
  return { uid: record.uid, inputHash: record.inputHash, sourceVersion: record.sourceVersion, locationKey: record.locationKey, deleted: record.status !== 'live' };
}

function sourceOf(event: EntityEventV1): EntitySource {
  const { repositoryId: _ignored, ...source } = event.source;
  return source;
}

/**
 * Processing (Backstage's first step) for one ref: applies its entity events, in offset order,
 * to its record in memory. The first location to declare a ref owns it; an older event never
 * overwrites a newer one; an unchanged input changes nothing; an invalid one is rejected
 * without stopping the others. Several events for one ref in a batch end as one record.
 */
@Injectable()
export class EntityEventProcessor {
  constructor(private readonly uids: UidSource) {}

  async apply<M>(current: EntityRecord, events: ReadonlyArray<{ event: EntityEventV1; key: string | null; message: M }>): Promise<ProcessedEvents<M>> {
    let record = current;
    const result: ProcessedEvents<M> = { record, changed: false, conflicts: [], rejected: [], cause: null, outcomes: [] };
    for (const { event, key, message } of events) {
      // The partition was chosen from the key: an event for another ref would be written by a
      // consumer that does not own that ref.
      if (key !== event.entityRef) {
        result.rejected.push({ message, reason: `message key ${JSON.stringify(key)} does not match the event's entityRef ${event.entityRef}` });
        result.outcomes.push('rejected');
        continue;
      }
      const next = event.type === 'upsert' ? await this.upsert(record, event, message, result) : this.remove(record, event, result);
      if (next !== record) {
        record = next;
        result.changed = true;
        result.cause = sourceOf(event);
      }
    }
    result.record = record;
    return result;
  }

  private async upsert<M>(record: EntityRecord, event: Extract<EntityEventV1, { type: 'upsert' }>, message: M, result: ProcessedEvents<M>): Promise<EntityRecord> {
    // The topic's contract checks the envelope, not the kind's rules, and any producer may write to it.
    const validation = await validateEntity(event.entity);
    if (!validation.ok) {
      result.rejected.push({ message, reason: `invalid entity ${event.entityRef}: ${validation.error}` });
      result.outcomes.push('rejected');
      return record;
    }
    if (entityRefOf(validation.entity) !== event.entityRef) {
      result.rejected.push({ message, reason: `event key ${event.entityRef} does not match the entity it carries (${entityRefOf(validation.entity)})` });
      result.outcomes.push('rejected');
      return record;
    }
    const existing = projectedState(record);
    const newUid = existing && !existing.deleted ? existing.uid : await this.uids.uidFor(event.entityRef);
    const decision = decideUpsert(
      existing,
      { entity: validation.entity, location: event.location, originLocation: event.originLocation, sourceVersion: event.sourceVersion, supersedesLocation: event.supersedesLocation },
      () => newUid,
    );
    if (decision.action === 'skip') {
      result.outcomes.push(decision.reason);
      return record;
    }
    if (decision.action === 'conflict') {
      result.conflicts.push({
        kind: 'recorded',
        conflict: {
          entityRef: event.entityRef,
          ownerLocationKey: decision.ownerLocationKey,
          contenderLocationKey: locationKeyOf(event.location),
          deliveryId: event.source.deliveryId,
          commitSha: event.source.commitSha,
        },
      });
      result.outcomes.push('conflict');
      return record;
    }
    result.outcomes.push(decision.created ? 'created' : 'updated');
    return {
      ...record,
      status: 'live',
      uid: decision.uid,
      processed: decision.processed,
      inputHash: decision.inputHash,
      locationKey: locationKeyOf(event.location),
      sourceVersion: event.sourceVersion,
      source: sourceOf(event),
      emitted: decision.relationRows,
    };
  }

  private remove<M>(record: EntityRecord, event: Extract<EntityEventV1, { type: 'removal' }>, result: ProcessedEvents<M>): EntityRecord {
    const decision = decideRemoval(projectedState(record), { location: event.location, sourceVersion: event.sourceVersion });
    if (decision.action === 'skip') {
      if (decision.reason === 'not-owner') result.conflicts.push({ kind: 'resolved', entityRef: event.entityRef, contenderLocationKey: locationKeyOf(event.location) });
      result.outcomes.push(decision.reason);
      return record;
    }
    result.outcomes.push(decision.action === 'delete' ? 'deleted' : 'absent');
    return {
      ...record,
      status: 'removed',
      processed: null,
      inputHash: '',
      // Who removed it: an absence recorded for a ref never seen names the location that removed it.
      locationKey: record.status === 'live' ? record.locationKey : locationKeyOf(event.location),
      sourceVersion: event.sourceVersion,
      source: sourceOf(event),
      emitted: [],
    };
  }
}
