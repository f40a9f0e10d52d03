import { Module } from '@nestjs/common';
import { RepairsModule } from '../repairs/repairs.module';
import { GithubEventsModule } from '../repository-events/github-events.module';
import { RepositorySyncModule } from '../repository-sync/repository-sync.module';
import { DispatchDeliveryUseCase } from './dispatch-delivery.use-case';
import { GithubDeliveryConsumer } from './github-delivery.consumer';
import { ProcessDeliveryOnceUseCase } from './process-delivery-once.use-case';
import { ProcessPushUseCase } from './process-push.use-case';
import { ProcessedDeliveriesPruner } from './processed-deliveries.pruner';
import { ProcessedDeliveriesRepository } from './processed-deliveries.repository';

/** Recorded deliveries, processed once each, concurrently across repositories. */
@Module({
  imports: [RepositorySyncModule, GithubEventsModule, RepairsModule],
  providers: [ProcessedDeliveriesRepository, ProcessDeliveryOnceUseCase, ProcessedDeliveriesPruner, ProcessPushUseCase, DispatchDeliveryUseCase, GithubDeliveryConsumer],
  exports: [GithubDeliveryConsumer, ProcessedDeliveriesRepository, ProcessedDeliveriesPruner],
})
export class DeliveriesModule {}
