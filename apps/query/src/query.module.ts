import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TypedConfigModule } from '@callboard/config';
import {
  EntityConflictDocument,
  EntityConflictDocumentSchema,
  EntityDocument,
  EntityDocumentSchema,
  EntityHistoryDocument,
  EntityHistoryDocumentSchema,
  MongoModule,
} from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { EntitiesController } from './entities/entities.controller';
import { EntityReadRepository } from './entities/entity-read.repository';
import { GetEntityByName, ListEntities } from './entities/entity-queries';
import { EntityConflictsController, EntityConflictsReadRepository } from './conflicts/entity-conflicts.controller';
import { BackstageErrorFilter } from './errors/backstage-error.filter';
import { EntityHistoryController } from './history/entity-history.controller';
import { EntityHistoryReadRepository } from './history/entity-history.read-repository';
import { GetEntityHistory } from './history/get-entity-history.query';
import { HealthController } from './health/health.controller';
import { queryConfigSchema } from './query.config';

@Module({
  imports: [
    TypedConfigModule.forRoot(queryConfigSchema),
    LoggingModule.forRoot('query'),
    MongoModule.forRoot(),
    MongooseModule.forFeature([
      { name: EntityDocument.name, schema: EntityDocumentSchema },
      { name: EntityHistoryDocument.name, schema: EntityHistoryDocumentSchema },
      { name: EntityConflictDocument.name, schema: EntityConflictDocumentSchema },
    ]),
    TerminusModule,
  ],
  controllers: [EntitiesController, EntityHistoryController, EntityConflictsController, HealthController],
  providers: [
    EntityReadRepository,
    GetEntityByName,
    ListEntities,
    EntityHistoryReadRepository,
    GetEntityHistory,
    EntityConflictsReadRepository,
    { provide: APP_FILTER, useClass: BackstageErrorFilter },
  ],
})
export class QueryModule {}
