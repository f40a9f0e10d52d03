import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { APP_CONFIG } from '@callboard/config';
import { catalogEntityV1Schema, TOPICS } from '@callboard/contracts';
import { CatalogIndex, CatalogQueries } from '@callboard/catalog-index';
import type { Entity } from '@callboard/entity-model';
import { KAFKA_CLIENT, KafkaSettings, TopicTable } from '@callboard/kafka';

/**
 * This replica's copy of the served catalog, answering every read from memory. It is the
 * served table topic (callboard.entities.v1, compacted by ref) read from the beginning at start
 * — the whole catalog as it is, about one message per entity — and then followed, so each change
 * the catalog writes is applied as it is published. MongoDB is not read for it at all.
 */
@Injectable()
export class CatalogReadModel implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogReadModel.name);
  readonly index = new CatalogIndex();
  readonly queries = new CatalogQueries(this.index);
  private readonly table: TopicTable<typeof catalogEntityV1Schema>;
  private lastChangeAt: Date | undefined;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka, @Inject(APP_CONFIG) settings: KafkaSettings) {
    this.table = new TopicTable(kafka, settings, {
      topic: TOPICS.catalogEntities,
      schema: catalogEntityV1Schema,
      purpose: 'query-read-model',
      upsert: (_ref, entity, json) => {
        this.index.upsert(entity as Entity, json);
        this.lastChangeAt = new Date();
      },
      remove: (ref) => {
        this.index.remove(ref);
        this.lastChangeAt = new Date();
      },
      onInvalid: (error, position) => this.logger.warn({ msg: 'skipped an invalid served-table record', error, ...position }),
    });
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    await this.table.start();
    await this.table.whenLoaded;
    this.logger.log(`read model loaded ${this.index.size} entities in ${Date.now() - started} ms`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.table.stop();
  }

  /** Holds everything the served table held when this replica started (and what came since). */
  get ready(): boolean {
    return this.table.loaded;
  }

  status(): { entities: number; ready: boolean; lastChangeAt: string | null } {
    return { entities: this.index.size, ready: this.ready, lastChangeAt: this.lastChangeAt?.toISOString() ?? null };
  }
}
