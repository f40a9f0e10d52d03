import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { APP_CONFIG, TypedConfigModule } from '@callboard/config';
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
import { CatalogConfig, catalogConfigSchema } from './catalog.config';
import { LIVE_ENTITIES_MODEL, UidSource } from './projection/uid-source';
import { HealthController } from './health/health.controller';
import { EntityEventConsumer } from './projection/entity-event.consumer';
import { ChangeOutboxPublisher } from './changes/change-outbox.publisher';
import { EntityHistoryRepository } from './changes/entity-history.repository';
import { PendingWorkSweeper } from './changes/pending-work.sweeper';
import { EntityConflictsRepository } from './projection/entity-conflicts.repository';
import { EntityStoreRepository } from './projection/entity-store.repository';
import { PendingWorkRunner } from './projection/pending-work.runner';
import { ProjectionWriteLock } from './projection/projection-write-lock';
import { RelationIndexRepository } from './projection/relation-index.repository';
import { EntityStitcher } from './stitching/entity-stitcher.service';
import { ProjectEntityEventUseCase } from './projection/project-entity-event.use-case';

function withCollection<S extends { clone(): S; set(key: 'collection', value: string): unknown }>(schema: S, collection: string): S {
  const copy = schema.clone();
  copy.set('collection', collection);
  return copy;
}

@Module({
  imports: [
    TypedConfigModule.forRoot(catalogConfigSchema),
    LoggingModule.forRoot('catalog'),
    MongoModule.forRoot(),
    // The projection's collections take the rebuild suffix; history and conflicts are never rebuilt.
    MongooseModule.forFeatureAsync([
      { name: EntityDocument.name, inject: [APP_CONFIG], useFactory: (config: CatalogConfig) => withCollection(EntityDocumentSchema, `entities${config.CATALOG_COLLECTION_SUFFIX}`) },
      {
        name: RelationSourceDocument.name,
        inject: [APP_CONFIG],
        useFactory: (config: CatalogConfig) => withCollection(RelationSourceDocumentSchema, `relation_sources${config.CATALOG_COLLECTION_SUFFIX}`),
      },
    ]),
    MongooseModule.forFeature([
      { name: LIVE_ENTITIES_MODEL, schema: EntityDocumentSchema, collection: 'entities' },
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
    ProjectionWriteLock,
    PendingWorkSweeper,
    UidSource,
    ProjectEntityEventUseCase,
    EntityEventConsumer,
  ],
})
export class CatalogModule {}
