import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { APP_CONFIG } from '@callboard/config';
import { CatalogChangeV1, catalogChangeV1Schema, TOPICS } from '@callboard/contracts';
import { CatalogIndex, CatalogQueries } from '@callboard/catalog-index';
import type { Entity } from '@callboard/entity-model';
import { KAFKA_CLIENT, KafkaSettings, PartitionOffset, TopicTail } from '@callboard/kafka';
import { EntitySnapshotRepository } from './entity-snapshot.repository';

/**
 * This replica's copy of the served catalog. FerretDB scans a collection for anything but an
 * `_id` lookup, so reads are answered from memory: loaded from the entities collection at
 * start, then kept current from the catalog change events (each replica reads all of them).
 *
 * Start-up order matters: the topic's end offsets are taken before the snapshot, and the tail
 * replays from them, so a change written while the snapshot loads is applied afterwards.
 */
@Injectable()
export class CatalogReadModel implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogReadModel.name);
  readonly index = new CatalogIndex();
  readonly queries = new CatalogQueries(this.index);
  private readonly tail: TopicTail<typeof catalogChangeV1Schema>;
  private loadedUpTo: PartitionOffset[] | undefined;
  private lastChangeAt: Date | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) kafka: Kafka,
    @Inject(APP_CONFIG) settings: KafkaSettings,
    private readonly snapshot: EntitySnapshotRepository,
  ) {
    this.tail = new TopicTail(kafka, settings, {
      topic: TOPICS.catalogChanges,
      schema: catalogChangeV1Schema,
      purpose: 'query-read-model',
      apply: (change, _position, json) => this.apply(change, (json as { data: { after: unknown } }).data.after),
      onInvalid: (error, position) => this.logger.warn({ msg: 'skipped an invalid catalog change event', error, ...position }),
    });
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    const from = await this.tail.endOffsets();
    for await (const json of this.snapshot.servedEntities()) {
      this.index.upsert(JSON.parse(json) as Entity, json);
    }
    this.loadedUpTo = await this.tail.endOffsets();
    await this.tail.start(from);
    this.logger.log(`read model loaded ${this.index.size} entities in ${Date.now() - started} ms`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tail.stop();
  }

  /** Caught up with every change published before the snapshot finished loading. */
  get ready(): boolean {
    return this.loadedUpTo !== undefined && this.tail.reached(this.loadedUpTo);
  }

  status(): { entities: number; ready: boolean; lastChangeAt: string | null } {
    return { entities: this.index.size, ready: this.ready, lastChangeAt: this.lastChangeAt?.toISOString() ?? null };
  }

  /** `asSent` is the validated `data.after` in the catalog's own key order. */
  private apply(change: CatalogChangeV1, asSent: unknown): void {
    const { after, entityRef } = change.data;
    if (after) this.index.upsert(asSent as Entity, JSON.stringify(asSent));
    else this.index.remove(entityRef.toLocaleLowerCase('en-US'));
    this.lastChangeAt = new Date();
  }
}
