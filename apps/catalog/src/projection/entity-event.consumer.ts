import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServerKafka } from '@nestjs/microservices';
import { deadLetterTopicOf, entityEventV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { createKafkaConsumerServer, EventPublisher, registerContractHandler, topicName } from '@callboard/kafka';
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
    const server = createKafkaConsumerServer(this.config, this.config.CATALOG_CONSUMER_GROUP, 'catalog-consumer');
    registerContractHandler(server, {
      topic: topicName(this.config, TOPICS.entityEvents),
      deadLetterTopic: topicName(this.config, deadLetterTopicOf(TOPICS.entityEvents)),
      schema: entityEventV1Schema,
      stage: 'catalog.projection',
      publisher: this.publisher,
      deliveryIdOf: (event) => event.source.deliveryId,
      handle: async ({ value: event, partition, offset }) => {
        const outcome = await this.project.execute(event);
        this.logger.log({ msg: 'entity event projected', entityRef: event.entityRef, type: event.type, outcome, deliveryId: event.source.deliveryId, partition, offset });
      },
    });
    return server;
  }
}
