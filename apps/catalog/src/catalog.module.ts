import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TOPICS } from '@callboard/contracts';
import { TypedConfigModule } from '@callboard/config';
import { KafkaModule } from '@callboard/kafka';
import { MongoModule } from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { catalogConfigSchema } from './catalog.config';
import { HealthController } from './health/health.controller';
import { BatchHooks } from './partitions/batch-hooks';
import { PartitionsModule } from './partitions/partitions.module';

@Module({})
export class CatalogModule {
  /** `hooks`: crash tests only (see BatchHooks). */
  static forRoot(options: { hooks?: BatchHooks } = {}): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        TypedConfigModule.forRoot(catalogConfigSchema),
        LoggingModule.forRoot('catalog'),
        MongoModule.forRoot(),
        KafkaModule.forRoot({ clientIdSuffix: 'catalog', topics: [TOPICS.entityEvents, TOPICS.entityStatus, TOPICS.catalogChanges, TOPICS.catalogEntities] }),
        PartitionsModule.forRoot(options.hooks ?? {}),
        TerminusModule,
      ],
      controllers: [HealthController],
    };
  }
}
