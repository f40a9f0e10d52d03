import { Module } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import type { CatalogConfig } from '../catalog.config';
import { StoreModule } from '../store/store.module';
import { CatalogOutputPublisher } from './catalog-output.publisher';
import { CATALOG_TOPICS, catalogTopics } from './catalog-topics';

/** Publishing: history, change events, the served table and relation updates. */
@Module({
  imports: [StoreModule],
  providers: [{ provide: CATALOG_TOPICS, inject: [APP_CONFIG], useFactory: (config: CatalogConfig) => catalogTopics(config) }, CatalogOutputPublisher],
  exports: [CATALOG_TOPICS, CatalogOutputPublisher],
})
export class PublishingModule {}
