import type { ServiceDefinition } from '@callboard/observability';
import { CatalogConfig, catalogConfigSchema } from './catalog.config';
import { CatalogModule } from './catalog.module';
import { EntityEventConsumer } from './partitions/entity-event.consumer';

export const catalogService: ServiceDefinition<CatalogConfig> = {
  name: 'catalog',
  module: CatalogModule.forRoot(),
  configSchema: catalogConfigSchema,
  consumers: (app) => [{ strategy: app.get(EntityEventConsumer).createServer() }],
};
