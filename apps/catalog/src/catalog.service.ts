import type { ServiceDefinition } from '@callboard/observability';
import type { CatalogConfig } from './catalog.config';
import { CatalogModule } from './catalog.module';
import { EntityEventConsumer } from './projection/entity-event.consumer';

export const catalogService: ServiceDefinition<CatalogConfig> = {
  name: 'catalog',
  module: CatalogModule,
  consumers: (app) => [{ strategy: app.get(EntityEventConsumer).createServer() }],
};
