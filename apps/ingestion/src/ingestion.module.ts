import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { TypedConfigModule } from '@callboard/config';
import { KafkaModule } from '@callboard/kafka';
import { MongoModule, ProcessedDeliveryDocument, ProcessedDeliveryDocumentSchema } from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { GithubDeliveryConsumer } from './deliveries/github-delivery.consumer';
import { ProcessDeliveryOnceUseCase } from './deliveries/process-delivery-once.use-case';
import { ProcessPushUseCase } from './deliveries/process-push.use-case';
import { ProcessedDeliveriesPruner } from './deliveries/processed-deliveries.pruner';
import { ProcessedDeliveriesRepository } from './deliveries/processed-deliveries.repository';
import { GithubClientFactory } from './github/github-client.factory';
import { GithubContentsRepository } from './github/github-contents.repository';
import { GithubRepositoriesRepository } from './github/github-repositories.repository';
import { HealthController } from './health/health.controller';
import { ingestionConfigSchema } from './ingestion.config';
import { ReconcileScheduler } from './reconcile/reconcile.scheduler';
import { ReconcileUseCase } from './reconcile/reconcile.use-case';
import { RefreshLocationUseCase } from './refresh/refresh-location.use-case';
import { RefreshRequestConsumer } from './refresh/refresh-request.consumer';
import { HandleInstallationEventUseCase } from './repository-events/handle-installation-event.use-case';
import { HandleRepositoryEventUseCase } from './repository-events/handle-repository-event.use-case';
import { CatalogFileReader } from './repository-sync/catalog-file.reader';
import { RepositoryCatalogRepository } from './repository-sync/repository-catalog.repository';
import { RepositoryCatalogDocument, RepositoryCatalogDocumentSchema } from './repository-sync/repository-catalog.schema';
import { RepositorySync } from './repository-sync/repository-sync.service';
import { ORG_SYNC_MODELS, ORG_SYNC_PROVIDERS } from './org/org-sync.providers';
import { DeliveryRepairDocument, DeliveryRepairDocumentSchema } from './repairs/delivery-repair.schema';
import { DeliveryRepairsRepository } from './repairs/delivery-repairs.repository';
import { DeliveryRepairsScheduler } from './repairs/delivery-repairs.scheduler';
import { NoteFailedDeliveryUseCase } from './repairs/note-failed-delivery.use-case';
import { RunDeliveryRepairsUseCase } from './repairs/run-delivery-repairs.use-case';
import { GithubWebhookController } from './webhooks/github-webhook.controller';
import { ReceiveWebhookUseCase } from './webhooks/receive-webhook.use-case';
import { WebhookSignatureVerifier } from './webhooks/webhook-signature.verifier';

@Module({
  imports: [
    TypedConfigModule.forRoot(ingestionConfigSchema),
    LoggingModule.forRoot('ingestion'),
    KafkaModule.forRoot({ clientIdSuffix: 'ingestion', topics: [TOPICS.githubDeliveries, TOPICS.entityEvents, TOPICS.refreshRequests] }),
    MongoModule.forRoot(),
    MongooseModule.forFeature([
      ...ORG_SYNC_MODELS,
      { name: ProcessedDeliveryDocument.name, schema: ProcessedDeliveryDocumentSchema },
      { name: RepositoryCatalogDocument.name, schema: RepositoryCatalogDocumentSchema },
      { name: DeliveryRepairDocument.name, schema: DeliveryRepairDocumentSchema },
    ]),
    TerminusModule,
  ],
  controllers: [GithubWebhookController, HealthController],
  providers: [
    WebhookSignatureVerifier,
    ReceiveWebhookUseCase,
    GithubClientFactory,
    GithubContentsRepository,
    GithubRepositoriesRepository,
    RepositoryCatalogRepository,
    CatalogFileReader,
    RepositorySync,
    ProcessPushUseCase,
    HandleRepositoryEventUseCase,
    HandleInstallationEventUseCase,
    RefreshLocationUseCase,
    ReconcileUseCase,
    ReconcileScheduler,
    GithubDeliveryConsumer,
    ProcessedDeliveriesRepository,
    ProcessDeliveryOnceUseCase,
    ProcessedDeliveriesPruner,
    ...ORG_SYNC_PROVIDERS,
    RefreshRequestConsumer,
    DeliveryRepairsRepository,
    NoteFailedDeliveryUseCase,
    RunDeliveryRepairsUseCase,
    DeliveryRepairsScheduler,
  ],
})
export class IngestionModule {}
