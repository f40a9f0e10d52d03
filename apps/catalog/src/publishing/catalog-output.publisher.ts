import { Inject, Injectable } from '@nestjs/common';
import { CATALOG_CHANGE_WRITTEN_AT_HEADER, catalogChangeV1Schema, catalogEntityV1Schema, relationUpdateV1Schema } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { EventPublisher, OutgoingRecord } from '@callboard/kafka';
import type { CatalogConfig } from '../catalog.config';
import type { EntityRecord, Publication } from '../store/entity-record';
import { EntityHistoryRepository } from '../store/entity-history.repository';
import { servedOf } from '../stitching/served-entity';
import { CATALOG_TOPICS, CatalogTopics } from './catalog-topics';

/** A record's publication, with the record as that write left it (its served form is the write's). */
export interface RecordPublication {
  record: EntityRecord;
  publication: Publication;
  /** When the write was acknowledged; absent when sent again after a crash. */
  writtenAt?: number;
}

/**
 * Publishing: what a batch's writes are to publish goes out — changes into the per-entity
 * history, change events (CloudEvents) and the served entity (the served table, a tombstone
 * once it is gone) to their topics, relation updates to the subjects' partitions — all records
 * in one send with dead letters of the same batch. A crash before the batch's offsets are
 * committed sends it all again, with the same ids.
 */
@Injectable()
export class CatalogOutputPublisher {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly history: EntityHistoryRepository,
    @Inject(CATALOG_TOPICS) private readonly topics: CatalogTopics,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async publish(publications: readonly RecordPublication[], deadLetters: readonly OutgoingRecord[]): Promise<void> {
    const records: OutgoingRecord[] = [];
    const entries = [];
    for (const { record, publication: pending, writtenAt } of publications) {
      const written: Record<string, string> = writtenAt === undefined ? {} : { [CATALOG_CHANGE_WRITTEN_AT_HEADER]: String(writtenAt) };
      if (this.config.CATALOG_PUBLISH_CHANGES) {
        for (const { seq, event } of pending.changes) {
          entries.push({ seq, event });
          records.push({ topic: this.topics.changes, schema: catalogChangeV1Schema, key: record.ref, value: event, headers: { 'ce-id': event.id, 'ce-type': event.type, ...written } });
        }
        if (pending.served) {
          const served = servedOf(record);
          records.push(
            served
              ? { topic: this.topics.entities, schema: catalogEntityV1Schema, key: record.ref, value: served.entity, headers: written }
              : { topic: this.topics.entities, key: record.ref, value: null, headers: written },
          );
        }
      }
      for (const update of pending.relationUpdates) records.push({ topic: this.topics.relations, schema: relationUpdateV1Schema, key: update.subject, value: update });
    }
    // Recorded before it is announced: a subscriber told of a change finds it in the history.
    if (entries.length > 0) await this.history.record(entries);
    await this.publisher.publishAll([...records, ...deadLetters]);
  }
}
