import type { ServiceDefinition } from '@callboard/observability';
import { QueryConfig, queryConfigSchema } from './query.config';
import { QueryModule } from './query.module';

export const queryService: ServiceDefinition<QueryConfig> = { name: 'query', module: QueryModule, configSchema: queryConfigSchema };
