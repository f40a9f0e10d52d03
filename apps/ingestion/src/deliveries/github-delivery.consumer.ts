import { Inject, Injectable, Logger } from '@nestjs/common';
import { ServerKafka } from '@nestjs/microservices';
import { GithubDeliveryV1, githubDeliveryV1Schema, TOPICS } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { ConsumedMessage, contractConsumerServer, EventPublisher, PermanentProcessingError } from '@callboard/kafka';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import type { IngestionConfig } from '../ingestion.config';
import { HandleInstallationEventUseCase } from '../repository-events/handle-installation-event.use-case';
import { HandleRepositoryEventUseCase } from '../repository-events/handle-repository-event.use-case';
import { installationEventSchema, installationRepositoriesEventSchema, installationTargetEventSchema, payloadOf, repositoryEventSchema } from '../repository-events/repository-event';
import { HandleOrgEventUseCase } from '../org/handle-org-event.use-case';
import { isOrgPeopleEvent } from '../org/org-event';
import { NoteFailedDeliveryUseCase } from '../repairs/note-failed-delivery.use-case';
import { ProcessDeliveryOnceUseCase } from './process-delivery-once.use-case';
import { ProcessPushUseCase } from './process-push.use-case';
import { pushEventSchema } from './push-event';

/** Consumes recorded deliveries and dispatches each by its GitHub event name. */
@Injectable()
export class GithubDeliveryConsumer {
  private readonly logger = new Logger(GithubDeliveryConsumer.name);

  constructor(
    private readonly processPush: ProcessPushUseCase,
    private readonly repositoryEvents: HandleRepositoryEventUseCase,
    private readonly installationEvents: HandleInstallationEventUseCase,
    private readonly orgEvents: HandleOrgEventUseCase,
    private readonly processOnce: ProcessDeliveryOnceUseCase,
    private readonly noteFailed: NoteFailedDeliveryUseCase,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  createServer(): ServerKafka {
    return contractConsumerServer(this.config, this.publisher, {
      groupId: this.config.INGESTION_CONSUMER_GROUP,
      clientIdSuffix: 'ingestion-consumer',
      topic: TOPICS.githubDeliveries,
      schema: githubDeliveryV1Schema,
      stage: 'ingestion.delivery',
      deliveryIdOf: (delivery) => delivery.deliveryId,
      // GitHub may stay unreachable for a delivery: parked after the bound, the partition moves on.
      maxAttempts: this.config.INGESTION_DELIVERY_MAX_ATTEMPTS,
      handle: async (message) => {
        try {
          await this.processOnce.execute(message.value, () => this.dispatch(message));
        } catch (err) {
          // Retried, perhaps parked; either way its state is read again once GitHub answers.
          if (!(err instanceof PermanentProcessingError)) await this.noteFailed.execute(message.value, err);
          throw err;
        }
      },
    });
  }

  private async dispatch({ value: delivery }: ConsumedMessage<GithubDeliveryV1>): Promise<void> {
    switch (delivery.event) {
      case 'ping':
        this.logger.log({ msg: 'ping received', deliveryId: delivery.deliveryId, hookId: delivery.hookId });
        return;
      case 'push': {
        const push = pushEventSchema.safeParse(delivery.payload);
        if (!push.success) {
          throw new PermanentProcessingError(`push payload lacks required fields: ${push.error.issues[0]?.path.join('.')}: ${push.error.issues[0]?.message}`);
        }
        try {
          await this.processPush.execute(push.data, delivery.deliveryId);
        } catch (err) {
          if (err instanceof GithubAppNotInstalledError) throw new PermanentProcessingError(err.message, { repository: push.data.repository.full_name });
          throw err;
        }
        return;
      }
      case 'repository':
        return this.repositoryEvents.execute(payloadOf(repositoryEventSchema, delivery.event, delivery.payload), delivery.deliveryId);
      case 'installation':
        return this.installationEvents.installation(payloadOf(installationEventSchema, delivery.event, delivery.payload), delivery.deliveryId);
      case 'installation_repositories':
        return this.installationEvents.repositoriesChanged(payloadOf(installationRepositoriesEventSchema, delivery.event, delivery.payload), delivery.deliveryId);
      case 'installation_target':
        return this.installationEvents.targetChanged(payloadOf(installationTargetEventSchema, delivery.event, delivery.payload), delivery.deliveryId);
      default:
        if (isOrgPeopleEvent(delivery.event)) {
          await this.orgEvents.execute(delivery.event, delivery.payload, delivery.deliveryId);
          return;
        }
        this.logger.debug({ msg: 'event not handled', event: delivery.event, deliveryId: delivery.deliveryId });
    }
  }
}
