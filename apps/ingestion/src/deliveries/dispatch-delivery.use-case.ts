import { Injectable, Logger } from '@nestjs/common';
import type { GithubDeliveryV1 } from '@callboard/contracts';
import { PermanentProcessingError } from '@callboard/kafka';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import { GithubRepositoryUnreachableError } from '../github/github-repositories.repository';
import { HandleOrgEventUseCase } from '../org/handle-org-event.use-case';
import { isOrgPeopleEvent } from '../org/org-event';
import { HandleInstallationEventUseCase } from '../repository-events/handle-installation-event.use-case';
import { HandleRepositoryEventUseCase } from '../repository-events/handle-repository-event.use-case';
import { installationEventSchema, installationRepositoriesEventSchema, installationTargetEventSchema, payloadOf, repositoryEventSchema } from '../repository-events/repository-event';
import { ProcessPushUseCase } from './process-push.use-case';
import { pushEventSchema } from './push-event';

/** Hands a recorded delivery to what handles its GitHub event. */
@Injectable()
export class DispatchDeliveryUseCase {
  private readonly logger = new Logger(DispatchDeliveryUseCase.name);

  constructor(
    private readonly processPush: ProcessPushUseCase,
    private readonly repositoryEvents: HandleRepositoryEventUseCase,
    private readonly installationEvents: HandleInstallationEventUseCase,
    private readonly orgEvents: HandleOrgEventUseCase,
  ) {}

  async execute(delivery: GithubDeliveryV1): Promise<void> {
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
          if (err instanceof GithubRepositoryUnreachableError) throw new PermanentProcessingError(err.message, { repository: err.repository, status: err.status });
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
