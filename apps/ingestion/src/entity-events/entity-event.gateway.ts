import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf, EntityEventV1, entityEventV1Schema, EntityStatusV1, entityStatusV1Schema, LocationStatusV1, locationStatusV1Schema, ProcessingErrorV1, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import type { Entity, LocationSpec } from '@callboard/entity-model';
import { deadLetterRecord, EventPublisher, OutgoingRecord, topicName } from '@callboard/kafka';
import type { IngestionConfig } from '../ingestion.config';

/** What the events of one read are attributed to: the delivery (or `refresh:…`, `reconcile:…`) and what was read. */
export interface EventAttribution {
  deliveryId: string;
  /** `owner/name` for a repository's files, the organisation's login for its people. */
  repository: string;
  repositoryId?: number;
  commitSha: string;
  sourceVersion: number;
}

export type PlannedEntityEvent =
  | { type: 'upsert'; ref: string; entity: Entity; location: LocationSpec; originLocation: LocationSpec; supersedesLocation?: LocationSpec; path: string; sourceVersion?: number; commitSha?: string }
  | { type: 'removal'; ref: string; location: LocationSpec; path: string; sourceVersion?: number; commitSha?: string };

/** Something read that cannot become an entity event (an invalid document, an invalid org entity), parked with the reason. */
export interface RejectedInput {
  reason: string;
  stage: string;
  /** The key it would have had: the entity ref, or the location target. */
  key: string;
  details: Record<string, unknown>;
}

/** What a read says about processing one entity of a file: its document's errors, none to clear earlier ones. */
export interface PlannedEntityStatus {
  ref: string;
  location: LocationSpec;
  path: string;
  commitSha: string;
  sourceVersion: number;
  errors: ProcessingErrorV1[];
}

/** A file's status as just read, or null once the file is not read any more (a tombstone). */
export interface PlannedLocationStatus {
  target: string;
  status: Omit<LocationStatusV1, 'schemaVersion' | 'readAt' | 'deliveryId'> | null;
}

export interface ProcessingStatus {
  entities: readonly PlannedEntityStatus[];
  locations: readonly PlannedLocationStatus[];
}

const NO_STATUS: ProcessingStatus = { entities: [], locations: [] };

/**
 * The one way ingestion tells the catalog what sources declare: builds entity-event envelopes
 * (id, version, time, source), keys them by entity ref, and sends them — with the dead letters
 * of what could not be turned into events — in one acks=all send.
 */
@Injectable()
export class EntityEventGateway {
  private readonly logger = new Logger(EntityEventGateway.name);
  private readonly topic: string;
  private readonly deadLetterTopic: string;
  private readonly entityStatusTopic: string;
  private readonly locationStatusTopic: string;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) config: IngestionConfig,
  ) {
    this.topic = topicName(config, TOPICS.entityEvents);
    this.deadLetterTopic = topicName(config, deadLetterTopicOf(TOPICS.entityEvents));
    this.entityStatusTopic = topicName(config, TOPICS.entityStatus);
    this.locationStatusTopic = topicName(config, TOPICS.locationStatus);
  }

  /** Sends the events, the dead letters and the processing status of one read together (acks=all). */
  async publish(events: readonly PlannedEntityEvent[], attribution: EventAttribution, rejected: readonly RejectedInput[] = [], status: ProcessingStatus = NO_STATUS): Promise<void> {
    if (events.length === 0 && rejected.length === 0 && status.entities.length === 0 && status.locations.length === 0) return;
    const emittedAt = new Date().toISOString();
    const records: OutgoingRecord[] = events.map((planned) => {
      const event = this.envelope(planned, attribution, emittedAt);
      return { topic: this.topic, schema: entityEventV1Schema, key: event.entityRef, value: event, headers: { 'x-github-delivery': attribution.deliveryId } };
    });
    for (const input of rejected) {
      this.logger.warn({ msg: 'dead-lettered', reason: input.reason, stage: input.stage, deliveryId: attribution.deliveryId });
      records.push(deadLetterRecord(this.deadLetterTopic, { reason: input.reason, stage: input.stage, deliveryId: attribution.deliveryId, original: { topic: this.topic, key: input.key, value: null }, details: input.details }));
    }
    for (const planned of status.entities) {
      const value: EntityStatusV1 = {
        schemaVersion: 1,
        entityRef: planned.ref,
        location: planned.location,
        sourceVersion: planned.sourceVersion,
        errors: planned.errors,
        source: { deliveryId: attribution.deliveryId, repository: attribution.repository, commitSha: planned.commitSha, path: planned.path },
        emittedAt,
      };
      records.push({ topic: this.entityStatusTopic, schema: entityStatusV1Schema, key: planned.ref, value, headers: { 'x-github-delivery': attribution.deliveryId } });
    }
    for (const planned of status.locations) {
      if (planned.status === null) {
        records.push({ topic: this.locationStatusTopic, key: planned.target, value: null });
        continue;
      }
      const value: LocationStatusV1 = { schemaVersion: 1, ...planned.status, readAt: emittedAt, deliveryId: attribution.deliveryId };
      records.push({ topic: this.locationStatusTopic, schema: locationStatusV1Schema, key: planned.target, value });
    }
    await this.publisher.publishAll(records);
  }

  private envelope(planned: PlannedEntityEvent, attribution: EventAttribution, emittedAt: string): EntityEventV1 {
    const common = {
      schemaVersion: 1 as const,
      eventId: randomUUID(),
      entityRef: planned.ref,
      location: planned.location,
      source: {
        provider: 'github' as const,
        deliveryId: attribution.deliveryId,
        repository: attribution.repository,
        ...(attribution.repositoryId !== undefined ? { repositoryId: attribution.repositoryId } : {}),
        commitSha: planned.commitSha ?? attribution.commitSha,
        path: planned.path,
      },
      sourceVersion: planned.sourceVersion ?? attribution.sourceVersion,
      emittedAt,
    };
    if (planned.type === 'removal') return { ...common, type: 'removal', originLocation: planned.location };
    return {
      ...common,
      type: 'upsert',
      originLocation: planned.originLocation,
      entity: planned.entity as Extract<EntityEventV1, { type: 'upsert' }>['entity'],
      ...(planned.supersedesLocation ? { supersedesLocation: planned.supersedesLocation } : {}),
    };
  }
}
