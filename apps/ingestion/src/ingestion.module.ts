import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { TypedConfigModule } from '@callboard/config';
import { KafkaModule } from '@callboard/kafka';
import { LoggingModule } from '@callboard/observability';
import { GithubDeliveryConsumer } from './deliveries/github-delivery.consumer';
import { ProcessPushUseCase } from './deliveries/process-push.use-case';
import { GithubClientFactory } from './github/github-client.factory';
import { GithubContentsRepository } from './github/github-contents.repository';
import { HealthController } from './health/health.controller';
import { ingestionConfigSchema } from './ingestion.config';
import { GithubWebhookController } from './webhooks/github-webhook.controller';
import { ReceiveWebhookUseCase } from './webhooks/receive-webhook.use-case';
import { WebhookSignatureVerifier } from './webhooks/webhook-signature.verifier';

@Module({
  imports: [
    TypedConfigModule.forRoot(ingestionConfigSchema),
    LoggingModule.forRoot('ingestion'),
    KafkaModule.forRoot({ clientIdSuffix: 'ingestion', topics: [TOPICS.githubDeliveries, TOPICS.entityEvents] }),
    TerminusModule,
  ],
  controllers: [GithubWebhookController, HealthController],
  providers: [WebhookSignatureVerifier, ReceiveWebhookUseCase, GithubClientFactory, GithubContentsRepository, ProcessPushUseCase, GithubDeliveryConsumer],
})
export class IngestionModule {}
