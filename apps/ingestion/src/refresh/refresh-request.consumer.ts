import { Inject, Injectable } from '@nestjs/common';
import { ServerKafka } from '@nestjs/microservices';
import { refreshRequestV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { contractConsumerServer, EventPublisher, PermanentProcessingError } from '@callboard/kafka';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import type { IngestionConfig } from '../ingestion.config';
import { RefreshLocationUseCase } from './refresh-location.use-case';

/** Consumes refresh requests (`POST /api/catalog/refresh` in the query service). */
@Injectable()
export class RefreshRequestConsumer {
  constructor(
    private readonly refresh: RefreshLocationUseCase,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  createServer(): ServerKafka {
    return contractConsumerServer(this.config, this.publisher, {
      groupId: `${this.config.INGESTION_CONSUMER_GROUP}-refresh`,
      clientIdSuffix: 'ingestion-refresh',
      topic: TOPICS.refreshRequests,
      schema: refreshRequestV1Schema,
      stage: 'ingestion.refresh',
      deliveryIdOf: (request) => `refresh:${request.requestId}`,
      handle: async ({ value }) => {
        try {
          await this.refresh.execute(value);
        } catch (err) {
          if (err instanceof GithubAppNotInstalledError) throw new PermanentProcessingError(err.message, { entityRef: value.entityRef });
          throw err;
        }
      },
    });
  }
}
