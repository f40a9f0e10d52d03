import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { TypedConfigModule } from '@callboard/config';
import { TOPICS } from '@callboard/contracts';
import { KafkaModule } from '@callboard/kafka';
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
import { EntityConflictsController, EntityConflictsReadRepository } from './conflicts/entity-conflicts.controller';
import { EntitiesController } from './entities/entities.controller';
import { EntityFacetsController } from './entities/entity-facets.controller';
import { EntityQueryController } from './entities/entity-query.controller';
import { GetEntitiesByRefs } from './entities/get-entities-by-refs.query';
import { GetEntity } from './entities/get-entity.query';
import { GetEntityFacets } from './entities/get-entity-facets.query';
import { ListEntities } from './entities/list-entities.query';
import { QueryEntities } from './entities/query-entities.query';
import { BackstageErrorFilter } from './errors/backstage-error.filter';
import { CatalogWritesController } from './catalog-writes/catalog-writes.controller';
import { EntityHistoryController } from './history/entity-history.controller';
import { EntityHistoryReadRepository } from './history/entity-history.read-repository';
import { GetEntityHistory } from './history/get-entity-history.query';
import { HealthController } from './health/health.controller';
import { GetLocations } from './locations/get-locations.query';
import { LocationsController } from './locations/locations.controller';
import { GetLocationStatus } from './locations/get-location-status.query';
import { LocationStatusController } from './locations/location-status.controller';
import { LocationStatusReadModel } from './locations/location-status.read-model';
import { CatalogReadModel } from './read-model/catalog-read-model';
import { RefreshController } from './refresh/refresh.controller';
import { RequestRefresh } from './refresh/request-refresh.use-case';
import { queryConfigSchema } from './query.config';
import { ValidateEntityController } from './validation/validate-entity.controller';
import { ValidateEntity } from './validation/validate-entity.use-case';

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
    KafkaModule.forRoot({ clientIdSuffix: 'query', topics: [TOPICS.catalogEntities, TOPICS.locationStatus, TOPICS.refreshRequests] }),
    TerminusModule,
  ],
  controllers: [
    EntitiesController,
    EntityQueryController,
    EntityFacetsController,
    LocationStatusController,
    LocationsController,
    RefreshController,
    ValidateEntityController,
    CatalogWritesController,
    EntityHistoryController,
    EntityConflictsController,
    HealthController,
  ],
  providers: [
    CatalogReadModel,
    ListEntities,
    QueryEntities,
    GetEntitiesByRefs,
    GetEntity,
    GetEntityFacets,
    GetLocations,
    LocationStatusReadModel,
    GetLocationStatus,
    RequestRefresh,
    ValidateEntity,
    EntityHistoryReadRepository,
    GetEntityHistory,
    EntityConflictsReadRepository,
    { provide: APP_FILTER, useClass: BackstageErrorFilter },
  ],
})
export class QueryModule {}
