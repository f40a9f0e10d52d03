import 'reflect-metadata';
import { runService } from '@callboard/observability';
import { catalogService } from './catalog.service';

void runService(catalogService);
