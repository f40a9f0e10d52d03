import 'reflect-metadata';
import { runService } from '@callboard/observability';
import { ingestionService } from './ingestion.service';

void runService(ingestionService);
