import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { originLocationOf } from '@callboard/catalog-index';
import { APP_CONFIG } from '@callboard/config';
import { refreshRequestV1Schema, TOPICS } from '@callboard/contracts';
import { lowerCase, type Entity } from '@callboard/entity-model';
import { EventPublisher, KafkaSettings, topicName } from '@callboard/kafka';
import { CatalogReadModel } from '../read-model/catalog-read-model';

export class RequestRefreshCommand {
  constructor(readonly entityRef: string) {}
}

/**
 * Asks ingestion to re-read the file an entity comes from. Answers once the request is
 * recorded in Kafka; the re-read entity arrives through the normal pipeline.
 */
@Injectable()
export class RequestRefresh {
  constructor(
    private readonly readModel: CatalogReadModel,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly settings: KafkaSettings,
  ) {}

  async execute(command: RequestRefreshCommand): Promise<void> {
    const entity = this.readModel.index.getByRef(lowerCase(command.entityRef));
    const location = entity && originLocationOf(JSON.parse(entity.json) as Entity);
    if (!entity || !location) throw new NotFoundException(`Failed to schedule ${command.entityRef} for refresh`);
    await this.publisher.publish(topicName(this.settings, TOPICS.refreshRequests), refreshRequestV1Schema, [
      {
        key: location.target,
        value: { schemaVersion: 1, requestId: randomUUID(), entityRef: entity.ref, location, requestedAt: new Date().toISOString() },
      },
    ]);
  }
}
