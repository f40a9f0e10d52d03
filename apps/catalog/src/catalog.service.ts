import type { ServiceDefinition } from '@callboard/observability';
import { CatalogConfig, catalogConfigSchema } from './catalog.config';
import { CatalogModule } from './catalog.module';
import { EntityEventConsumer } from './projection/entity-event.consumer';

export const catalogService: ServiceDefinition<CatalogConfig> = {
  name: 'catalog',
  module: CatalogModule,
  configSchema: catalogConfigSchema,
  consumers: (app) => [{ strategy: app.get(EntityEventConsumer).createServer() }],
};
