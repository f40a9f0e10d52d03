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
import { HealthController } from './health/health.controller';
import { ingestionConfigSchema } from './ingestion.config';
import { ORG_SYNC_MODELS, ORG_SYNC_PROVIDERS } from './org/org-sync.providers';
import { GithubWebhookController } from './webhooks/github-webhook.controller';
import { ReceiveWebhookUseCase } from './webhooks/receive-webhook.use-case';
import { WebhookSignatureVerifier } from './webhooks/webhook-signature.verifier';

@Module({
  imports: [
    TypedConfigModule.forRoot(ingestionConfigSchema),
    LoggingModule.forRoot('ingestion'),
    KafkaModule.forRoot({ clientIdSuffix: 'ingestion', topics: [TOPICS.githubDeliveries, TOPICS.entityEvents] }),
    MongoModule.forRoot(),
    MongooseModule.forFeature([...ORG_SYNC_MODELS, { name: ProcessedDeliveryDocument.name, schema: ProcessedDeliveryDocumentSchema }]),
    TerminusModule,
  ],
  controllers: [GithubWebhookController, HealthController],
  providers: [
    WebhookSignatureVerifier,
    ReceiveWebhookUseCase,
    GithubClientFactory,
    GithubContentsRepository,
    ProcessPushUseCase,
    GithubDeliveryConsumer,
    ProcessedDeliveriesRepository,
    ProcessDeliveryOnceUseCase,
    ProcessedDeliveriesPruner,
    ...ORG_SYNC_PROVIDERS,
  ],
})
export class IngestionModule {}
