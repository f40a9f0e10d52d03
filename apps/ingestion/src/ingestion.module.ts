import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { TypedConfigModule } from '@callboard/config';
import { KafkaModule } from '@callboard/kafka';
import { MongoModule } from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { HealthController } from './health/health.controller';
import { ingestionConfigSchema } from './ingestion.config';
import { ReconcileModule } from './reconcile/reconcile.module';
import { RefreshModule } from './refresh/refresh.module';
import { RepairsModule } from './repairs/repairs.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    TypedConfigModule.forRoot(ingestionConfigSchema),
    LoggingModule.forRoot('ingestion'),
    KafkaModule.forRoot({ clientIdSuffix: 'ingestion', topics: [TOPICS.githubDeliveries, TOPICS.entityEvents, TOPICS.entityStatus, TOPICS.locationStatus, TOPICS.refreshRequests] }),
    MongoModule.forRoot(),
    TerminusModule,
    WebhooksModule,
    DeliveriesModule,
    RefreshModule,
    ReconcileModule,
    RepairsModule,
  ],
  controllers: [HealthController],
})
export class IngestionModule {}
