import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { TypedConfigModule } from '@callboard/config';
import { KafkaModule } from '@callboard/kafka';
import { EntityDocument, EntityDocumentSchema, MongoModule } from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { catalogConfigSchema } from './catalog.config';
import { HealthController } from './health/health.controller';
import { EntityEventConsumer } from './projection/entity-event.consumer';
import { EntityProjectionRepository } from './projection/entity-projection.repository';
import { ProjectEntityEventUseCase } from './projection/project-entity-event.use-case';

@Module({
  imports: [
    TypedConfigModule.forRoot(catalogConfigSchema),
    LoggingModule.forRoot('catalog'),
    MongoModule.forRoot(),
    MongooseModule.forFeature([{ name: EntityDocument.name, schema: EntityDocumentSchema }]),
    KafkaModule.forRoot({ clientIdSuffix: 'catalog', topics: [TOPICS.entityEvents, TOPICS.catalogChanges] }),
    TerminusModule,
  ],
  controllers: [HealthController],
  providers: [EntityProjectionRepository, ProjectEntityEventUseCase, EntityEventConsumer],
})
export class CatalogModule {}
