import 'reflect-metadata';
import { runService } from '@callboard/observability';
import type { QueryConfig } from './query.config';
import { QueryModule } from './query.module';

void runService<QueryConfig>({ name: 'query', module: QueryModule });
