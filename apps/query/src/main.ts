import 'reflect-metadata';
import { runService } from '@callboard/observability';
import { queryService } from './query.service';

void runService(queryService);
