import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityEventV1 } from '@callboard/contracts';
import { buildSearchPairs, decideRemoval, decideUpsert, Entity, locationKeyOf } from '@callboard/entity-model';
import { ConcurrentWriteError, EntityProjectionRepository } from './entity-projection.repository';

export type ProjectionOutcome = 'created' | 'updated' | 'deleted' | 'unchanged' | 'stale' | 'conflict' | 'absent' | 'not-owner';

const MAX_ATTEMPTS = 5;

/**
 * Applies one entity event to the projection. Idempotent: a redelivered event finds its
 * own result already written and changes nothing; an older event never overwrites a newer.
 */
@Injectable()
export class ProjectEntityEventUseCase {
  private readonly logger = new Logger(ProjectEntityEventUseCase.name);

  constructor(private readonly repository: EntityProjectionRepository) {}

  async execute(event: EntityEventV1): Promise<ProjectionOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return event.type === 'upsert' ? await this.upsert(event) : await this.remove(event);
      } catch (err) {
        // Optimistic concurrency: re-read and decide again, a bounded number of times.
        if (!(err instanceof ConcurrentWriteError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  private async upsert(event: Extract<EntityEventV1, { type: 'upsert' }>): Promise<ProjectionOutcome> {
    const existing = await this.repository.findState(event.entityRef);
    const decision = decideUpsert(
      existing,
      { entity: event.entity as Entity, location: event.location, originLocation: event.originLocation, sourceVersion: event.sourceVersion },
      randomUUID,
    );
    if (decision.action === 'skip') return decision.reason;
    if (decision.action === 'conflict') {
      this.logger.warn({
        msg: 'entity conflict: declared by a second location, first owner keeps it',
        entityRef: event.entityRef,
        owner: decision.ownerLocationKey,
        contender: locationKeyOf(event.location),
        deliveryId: event.source.deliveryId,
      });
      return 'conflict';
    }
    const entity = decision.entity;
    await this.repository.write(
      {
        ref: event.entityRef,
        uid: decision.uid,
        etag: decision.etag,
        kind: entity.kind.toLocaleLowerCase('en-US'),
        namespace: (entity.metadata.namespace ?? 'default').toLocaleLowerCase('en-US'),
        name: entity.metadata.name.toLocaleLowerCase('en-US'),
        entityJson: JSON.stringify(entity),
        inputHash: decision.inputHash,
        locationKey: locationKeyOf(event.location),
        sourceVersion: event.sourceVersion,
        search: buildSearchPairs(entity),
        source: event.source,
      },
      existing ? existing.revision : null,
    );
    return decision.created ? 'created' : 'updated';
  }

  private async remove(event: Extract<EntityEventV1, { type: 'removal' }>): Promise<ProjectionOutcome> {
    const existing = await this.repository.findState(event.entityRef);
    const decision = decideRemoval(existing, { location: event.location, sourceVersion: event.sourceVersion });
    if (decision.action === 'skip') return decision.reason;
    await this.repository.tombstone(event.entityRef, existing!.revision, event.sourceVersion, event.source);
    return 'deleted';
  }
}
