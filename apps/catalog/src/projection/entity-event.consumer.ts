import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServerKafka } from '@nestjs/microservices';
import { entityEventV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { contractConsumerServer, EventPublisher } from '@callboard/kafka';
import type { CatalogConfig } from '../catalog.config';
import { ProjectEntityEventUseCase } from './project-entity-event.use-case';

/** The catalog's consumer group on the entity-event topic. */
@Injectable()
export class EntityEventConsumer {
  private readonly logger = new Logger(EntityEventConsumer.name);

  constructor(
    private readonly project: ProjectEntityEventUseCase,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  createServer(): ServerKafka {
    return contractConsumerServer(this.config, this.publisher, {
      groupId: this.config.CATALOG_CONSUMER_GROUP,
      clientIdSuffix: 'catalog-consumer',
      topic: TOPICS.entityEvents,
      schema: entityEventV1Schema,
      stage: 'catalog.projection',
      deliveryIdOf: (event) => event.source.deliveryId,
      handle: async ({ value: event, partition, offset }) => {
        const outcome = await this.project.execute(event);
        this.logger.log({ msg: 'entity event projected', entityRef: event.entityRef, type: event.type, outcome, deliveryId: event.source.deliveryId, partition, offset });
      },
    });
  }
}
