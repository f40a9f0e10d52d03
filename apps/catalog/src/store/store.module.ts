import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APP_CONFIG } from '@callboard/config';
import { EntityConflictDocument, EntityConflictDocumentSchema, EntityDocument, EntityDocumentSchema, EntityHistoryDocument, EntityHistoryDocumentSchema } from '@callboard/mongo';
import type { CatalogConfig } from '../catalog.config';
import { BatchOutboxRepository } from './batch-outbox.repository';
import { EntityConflictsRepository } from './entity-conflicts.repository';
import { EntityHistoryRepository } from './entity-history.repository';
import { EntityStoreRepository } from './entity-store.repository';
import { LIVE_ENTITIES_MODEL, UidSource } from './uid-source';

function withCollection<S extends { clone(): S; set(key: 'collection', value: string): unknown }>(schema: S, collection: string): S {
  const copy = schema.clone();
  copy.set('collection', collection);
  return copy;
}

/** The catalog's MongoDB collections, behind repositories that hand out domain records. */
@Module({
  imports: [
    // The projection takes the rebuild suffix; history and conflicts are records, never rebuilt.
    MongooseModule.forFeatureAsync([
      { name: EntityDocument.name, inject: [APP_CONFIG], useFactory: (config: CatalogConfig) => withCollection(EntityDocumentSchema, `entities${config.CATALOG_COLLECTION_SUFFIX}`) },
    ]),
    MongooseModule.forFeature([
      { name: LIVE_ENTITIES_MODEL, schema: EntityDocumentSchema, collection: 'entities' },
      { name: EntityHistoryDocument.name, schema: EntityHistoryDocumentSchema },
      { name: EntityConflictDocument.name, schema: EntityConflictDocumentSchema },
    ]),
  ],
  providers: [EntityStoreRepository, EntityHistoryRepository, EntityConflictsRepository, UidSource, BatchOutboxRepository],
  exports: [EntityStoreRepository, EntityHistoryRepository, EntityConflictsRepository, UidSource, BatchOutboxRepository],
})
export class StoreModule {}
