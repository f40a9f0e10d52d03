import { DynamicModule, Module } from '@nestjs/common';
import { ProcessingModule } from '../processing/processing.module';
import { PublishingModule } from '../publishing/publishing.module';
import { StoreModule } from '../store/store.module';
import { OutboxPruner } from '../pending-work/outbox-pruner';
import { OutboxRecovery } from '../pending-work/outbox-recovery';
import { BATCH_HOOKS, BatchHooks } from './batch-hooks';
import { EntityEventConsumer } from './entity-event.consumer';
import { PartitionBatchProcessor } from './partition-batch.processor';

/** The consumer group and the work on each batch of the partitions it owns. */
@Module({})
export class PartitionsModule {
  static forRoot(hooks: BatchHooks): DynamicModule {
    return {
      module: PartitionsModule,
      imports: [StoreModule, ProcessingModule, PublishingModule],
      providers: [{ provide: BATCH_HOOKS, useValue: hooks }, OutboxRecovery, OutboxPruner, PartitionBatchProcessor, EntityEventConsumer],
      exports: [EntityEventConsumer],
    };
  }
}
