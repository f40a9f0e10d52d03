import { Module } from '@nestjs/common';
import { StoreModule } from '../store/store.module';
import { EntityEventProcessor } from './entity-event.processor';

/** Processing: entity events and relation updates applied to records in memory. */
@Module({
  imports: [StoreModule],
  providers: [EntityEventProcessor],
  exports: [EntityEventProcessor],
})
export class ProcessingModule {}
