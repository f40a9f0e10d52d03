import { Module } from '@nestjs/common';
import { DeliveryRecorder } from './delivery-recorder';
import { GithubWebhookController } from './github-webhook.controller';
import { ReceiveWebhookUseCase } from './receive-webhook.use-case';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';

/** The webhook endpoint: verified deliveries recorded in Kafka before they are answered. */
@Module({
  controllers: [GithubWebhookController],
  providers: [WebhookSignatureVerifier, DeliveryRecorder, ReceiveWebhookUseCase],
})
export class WebhooksModule {}
