import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { TypedConfigModule } from '@callboard/config';
import { KafkaModule } from '@callboard/kafka';
import {
  EntityConflictDocument,
  EntityConflictDocumentSchema,
  EntityDocument,
  EntityDocumentSchema,
  EntityHistoryDocument,
  EntityHistoryDocumentSchema,
  MongoModule,
  RelationSourceDocument,
  RelationSourceDocumentSchema,
} from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { catalogConfigSchema } from './catalog.config';
import { HealthController } from './health/health.controller';
import { EntityEventConsumer } from './projection/entity-event.consumer';
import { ChangeOutboxPublisher } from './changes/change-outbox.publisher';
import { EntityHistoryRepository } from './changes/entity-history.repository';
import { PendingWorkSweeper } from './changes/pending-work.sweeper';
import { EntityConflictsRepository } from './projection/entity-conflicts.repository';
import { EntityStoreRepository } from './projection/entity-store.repository';
import { PendingWorkRunner } from './projection/pending-work.runner';
import { RelationIndexRepository } from './projection/relation-index.repository';
import { EntityStitcher } from './stitching/entity-stitcher.service';
import { ProjectEntityEventUseCase } from './projection/project-entity-event.use-case';

@Module({
  imports: [
    TypedConfigModule.forRoot(catalogConfigSchema),
    LoggingModule.forRoot('catalog'),
    MongoModule.forRoot(),
    MongooseModule.forFeature([
      { name: EntityDocument.name, schema: EntityDocumentSchema },
      { name: RelationSourceDocument.name, schema: RelationSourceDocumentSchema },
      { name: EntityHistoryDocument.name, schema: EntityHistoryDocumentSchema },
      { name: EntityConflictDocument.name, schema: EntityConflictDocumentSchema },
    ]),
    KafkaModule.forRoot({ clientIdSuffix: 'catalog', topics: [TOPICS.entityEvents, TOPICS.catalogChanges] }),
    TerminusModule,
  ],
  controllers: [HealthController],
  providers: [
    EntityStoreRepository,
    RelationIndexRepository,
    EntityHistoryRepository,
    EntityConflictsRepository,
    EntityStitcher,
    ChangeOutboxPublisher,
    PendingWorkRunner,
    PendingWorkSweeper,
    ProjectEntityEventUseCase,
    EntityEventConsumer,
  ],
})
export class CatalogModule {}
