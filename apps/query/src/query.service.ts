import type { ServiceDefinition } from '@callboard/observability';
import { configureQueryHttp } from './http/http-setup';
import { QueryConfig, queryConfigSchema } from './query.config';
import { QueryModule } from './query.module';

export const queryService: ServiceDefinition<QueryConfig> = {
  name: 'query',
  module: QueryModule,
  configSchema: queryConfigSchema,
  configure: (app, config) => configureQueryHttp(app, config),
};
