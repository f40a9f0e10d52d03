import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { APP_CONFIG } from '@callboard/config';
import { LocationStatusV1, locationStatusV1Schema, TOPICS } from '@callboard/contracts';
import { locationId } from '@callboard/catalog-index';
import { KAFKA_CLIENT, KafkaSettings, TopicTable } from '@callboard/kafka';

/** A file's latest status with the id its location has in `/locations`. */
export interface HeldLocationStatus {
  id: string;
  status: LocationStatusV1;
}

/**
 * This replica's copy of every file's status: the location-status topic (compacted by location
 * target) read from the beginning at start and then followed, as the served table is.
 */
@Injectable()
export class LocationStatusReadModel implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LocationStatusReadModel.name);
  private readonly byId = new Map<string, HeldLocationStatus>();
  private readonly table: TopicTable<typeof locationStatusV1Schema>;

  constructor(@Inject(KAFKA_CLIENT) kafka: Kafka, @Inject(APP_CONFIG) settings: KafkaSettings) {
    this.table = new TopicTable(kafka, settings, {
      topic: TOPICS.locationStatus,
      schema: locationStatusV1Schema,
      purpose: 'query-location-status',
      upsert: (_target, status) => {
        const id = locationId(status.location.type, status.location.target);
        this.byId.set(id, { id, status });
      },
      remove: (target) => this.byId.delete(locationId('url', target)),
      onInvalid: (error, position) => this.logger.warn({ msg: 'skipped an invalid location-status record', error, ...position }),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.table.start();
    await this.table.whenLoaded;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.table.stop();
  }

  get ready(): boolean {
    return this.table.loaded;
  }

  get(id: string): HeldLocationStatus | undefined {
    return this.byId.get(id);
  }

  all(): HeldLocationStatus[] {
    return [...this.byId.values()];
  }
}
