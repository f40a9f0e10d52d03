import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TypedConfigModule } from '@callboard/config';
import { EntityDocument, EntityDocumentSchema, MongoModule } from '@callboard/mongo';
import { LoggingModule } from '@callboard/observability';
import { EntitiesController } from './entities/entities.controller';
import { EntityReadRepository } from './entities/entity-read.repository';
import { GetEntityByName, ListEntities } from './entities/entity-queries';
import { BackstageErrorFilter } from './errors/backstage-error.filter';
import { HealthController } from './health/health.controller';
import { queryConfigSchema } from './query.config';

@Module({
  imports: [
    TypedConfigModule.forRoot(queryConfigSchema),
    LoggingModule.forRoot('query'),
    MongoModule.forRoot(),
    MongooseModule.forFeature([{ name: EntityDocument.name, schema: EntityDocumentSchema }]),
    TerminusModule,
  ],
  controllers: [EntitiesController, HealthController],
  providers: [EntityReadRepository, GetEntityByName, ListEntities, { provide: APP_FILTER, useClass: BackstageErrorFilter }],
})
export class QueryModule {}
