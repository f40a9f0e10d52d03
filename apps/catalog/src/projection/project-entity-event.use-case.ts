import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityEventV1 } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { affectedByRelationChange, decideRemoval, decideUpsert, Entity, entityRefOf, locationKeyOf, validateEntity } from '@callboard/entity-model';
import { PermanentProcessingError } from '@callboard/kafka';
import { decodeRelationRow, encodeRelationRow } from '@callboard/mongo';
import type { CatalogConfig } from '../catalog.config';
import { buildChangeEvent } from '../changes/change-event.factory';
import { EntityConflictsRepository } from './entity-conflicts.repository';
import { ConcurrentWriteError, EntityStoreRepository, StoredEntity } from './entity-store.repository';
import { PendingWorkRunner } from './pending-work.runner';
import { ProjectionWriteLock } from './projection-write-lock';
import { UidSource } from './uid-source';

export type ProjectionOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'stale' | 'conflict' | 'absent' | 'not-owner';

const MAX_ATTEMPTS = 5;

/**
 * Applies one entity event: processing (decide and record the processed input), then
 * stitching and change publication through the pending-work runner. Idempotent: a
 * redelivered event finds its result already written and changes nothing.
 */
@Injectable()
export class ProjectEntityEventUseCase {
  private readonly logger = new Logger(ProjectEntityEventUseCase.name);

  constructor(
    private readonly store: EntityStoreRepository,
    private readonly conflicts: EntityConflictsRepository,
    private readonly pendingWork: PendingWorkRunner,
    private readonly uids: UidSource,
    private readonly writeLock: ProjectionWriteLock,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  execute(event: EntityEventV1): Promise<ProjectionOutcome> {
    return this.writeLock.run(() => this.apply(event));
  }

  private async apply(event: EntityEventV1): Promise<ProjectionOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        let existing = await this.store.find(event.entityRef);
        // Unfinished work of an earlier change is completed first, so deltas never overlap.
        if (existing?.pendingWork) {
          await this.pendingWork.complete(event.entityRef, existing);
          existing = await this.store.find(event.entityRef);
        }
        const outcome = event.type === 'upsert' ? await this.upsert(event, existing) : await this.remove(event, existing);
        await this.pendingWork.complete(event.entityRef);
        return outcome;
      } catch (err) {
        // Optimistic concurrency: re-read and decide again, a bounded number of times.
        if (!(err instanceof ConcurrentWriteError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  private async upsert(event: Extract<EntityEventV1, { type: 'upsert' }>, existing: StoredEntity | null): Promise<ProjectionOutcome> {
    // Processing validates again: the topic's contract checks the envelope, not the kind's rules,
    // and any producer may write to it.
    const validation = await validateEntity(event.entity);
    if (!validation.ok) throw new PermanentProcessingError(`invalid entity ${event.entityRef}: ${validation.error}`, { entityRef: event.entityRef });
    if (entityRefOf(validation.entity) !== event.entityRef) {
      throw new PermanentProcessingError(`event key ${event.entityRef} does not match the entity it carries (${entityRefOf(validation.entity)})`, { entityRef: event.entityRef });
    }
    const candidateUid = existing && !existing.deleted ? existing.uid : await this.uids.uidFor(event.entityRef);
    const decision = decideUpsert(
      existing,
      { entity: validation.entity, location: event.location, originLocation: event.originLocation, sourceVersion: event.sourceVersion, supersedesLocation: event.supersedesLocation },
      () => candidateUid,
    );
    if (decision.action === 'skip') return decision.reason;
    if (decision.action === 'conflict') {
      const contender = locationKeyOf(event.location);
      this.logger.warn({ msg: 'entity conflict: declared by a second location, first owner keeps it', entityRef: event.entityRef, owner: decision.ownerLocationKey, contender, deliveryId: event.source.deliveryId });
      await this.conflicts.record({ entityRef: event.entityRef, ownerLocationKey: decision.ownerLocationKey, contenderLocationKey: contender, deliveryId: event.source.deliveryId, commitSha: event.source.commitSha });
      return 'conflict';
    }
    const previousRows = existing && !existing.deleted ? (existing.relationRows ?? []) : [];
    const affected = affectedByRelationChange(previousRows.map(decodeRelationRow), decision.relationRows);
    const entity = decision.processed;
    await this.store.writeProcessed(
      {
        ref: event.entityRef,
        uid: decision.uid,
        kind: entity.kind.toLocaleLowerCase('en-US'),
        namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase('en-US'),
        name: entity.metadata.name.toLocaleLowerCase('en-US'),
        processedJson: JSON.stringify(entity),
        inputHash: decision.inputHash,
        locationKey: locationKeyOf(event.location),
        sourceVersion: event.sourceVersion,
        relationRows: decision.relationRows.map(encodeRelationRow),
        previousRelationRows: previousRows,
        pendingStitch: [...new Set([event.entityRef, ...affected])],
        source: event.source,
      },
      existing ? existing.revision : null,
    );
    return decision.created ? 'created' : 'updated';
  }

  private async remove(event: Extract<EntityEventV1, { type: 'removal' }>, existing: StoredEntity | null): Promise<ProjectionOutcome> {
    const decision = decideRemoval(existing, { location: event.location, sourceVersion: event.sourceVersion });
    if (decision.action === 'skip') {
      if (decision.reason === 'not-owner') await this.conflicts.resolve(event.entityRef, locationKeyOf(event.location));
      return decision.reason;
    }
    if (decision.action === 'record-absence') {
      const [kind, rest] = event.entityRef.split(':');
      const [namespace, name] = rest.split('/');
      await this.store.recordAbsence(event.entityRef, existing, {
        uid: existing?.uid ?? randomUUID(),
        kind,
        namespace,
        name,
        locationKey: locationKeyOf(event.location),
        sourceVersion: event.sourceVersion,
        source: event.source,
      });
      return 'absent';
    }
    const doc = existing!;
    const before = doc.entityJson ? (JSON.parse(doc.entityJson) as Entity) : null;
    const deletion = before
      ? buildChangeEvent({
          source: this.config.CATALOG_EVENT_SOURCE,
          type: 'deleted',
          entityRef: event.entityRef,
          uid: doc.uid,
          before,
          after: null,
          cause: { entityRef: event.entityRef, deliveryId: event.source.deliveryId, repository: event.source.repository, commitSha: event.source.commitSha, path: event.source.path },
        })
      : null;
    const affected = affectedByRelationChange((doc.relationRows ?? []).map(decodeRelationRow), []).filter((ref) => ref !== event.entityRef);
    await this.store.writeTombstone(event.entityRef, doc.revision, {
      sourceVersion: event.sourceVersion,
      source: event.source,
      previousRelationRows: doc.relationRows ?? [],
      pendingStitch: affected,
      changeEvent: deletion ? JSON.stringify(deletion) : null,
    });
    return 'deleted';
  }
}
