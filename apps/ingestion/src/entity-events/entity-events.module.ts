import { Module } from '@nestjs/common';
import { EntityEventGateway } from './entity-event.gateway';

/** The entity events ingestion publishes for the catalog. */
@Module({ providers: [EntityEventGateway], exports: [EntityEventGateway] })
export class EntityEventsModule {}
