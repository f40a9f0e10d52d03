import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OrgPeopleModule } from '../org/org-people.module';
import { ReconcileModule } from '../reconcile/reconcile.module';
import { RepositorySyncModule } from '../repository-sync/repository-sync.module';
import { DeliveryRepairDocument, DeliveryRepairDocumentSchema } from './delivery-repair.schema';
import { DeliveryRepairsRepository } from './delivery-repairs.repository';
import { DeliveryRepairsScheduler } from './delivery-repairs.scheduler';
import { NoteFailedDeliveryUseCase } from './note-failed-delivery.use-case';
import { RunDeliveryRepairsUseCase } from './run-delivery-repairs.use-case';

/** What failed deliveries were about, read again from GitHub until it works. */
@Module({
  imports: [RepositorySyncModule, OrgPeopleModule, ReconcileModule, MongooseModule.forFeature([{ name: DeliveryRepairDocument.name, schema: DeliveryRepairDocumentSchema }])],
  providers: [DeliveryRepairsRepository, NoteFailedDeliveryUseCase, RunDeliveryRepairsUseCase, DeliveryRepairsScheduler],
  exports: [NoteFailedDeliveryUseCase],
})
export class RepairsModule {}
