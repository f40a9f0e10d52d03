import type { ServiceDefinition } from '@callboard/observability';
import { GithubDeliveryConsumer } from './deliveries/github-delivery.consumer';
import { IngestionConfig, ingestionConfigSchema } from './ingestion.config';
import { IngestionModule } from './ingestion.module';
import { GITHUB_WEBHOOK_PATH } from './webhooks/github-webhook.controller';
import { useRawWebhookBody } from './webhooks/raw-body';
import { RefreshRequestConsumer } from './refresh/refresh-request.consumer';

export const ingestionService: ServiceDefinition<IngestionConfig> = {
  name: 'ingestion',
  module: IngestionModule,
  configSchema: ingestionConfigSchema,
  bodyParser: false,
  configure: (app, config) => useRawWebhookBody(app, GITHUB_WEBHOOK_PATH, config.WEBHOOK_BODY_LIMIT_BYTES),
  consumers: (app) => [{ strategy: app.get(GithubDeliveryConsumer).createServer() }, { strategy: app.get(RefreshRequestConsumer).createServer() }],
};
