import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DeliveryRepairDocument } from './delivery-repair.schema';
import { repairKeyOf, RepairTarget } from './repair-target';

export interface PendingRepair {
  key: string;
  target: RepairTarget;
  deliveryId: string;
  reason: string;
  notedAt: Date;
  failedRuns: number;
}

function targetOf(doc: DeliveryRepairDocument): RepairTarget {
  const through = doc.installationId !== null && doc.installationId !== undefined ? { installationId: doc.installationId } : {};
  if (doc.kind === 'repository') return { kind: 'repository', repositoryId: doc.repositoryId!, ...through };
  if (doc.kind === 'organisation') return { kind: 'organisation', org: doc.org!, ...through };
  return { kind: 'installation', installationId: doc.installationId! };
}

/** Pending repairs of state whose deliveries failed (`delivery_repairs`). */
@Injectable()
export class DeliveryRepairsRepository {
  constructor(@InjectModel(DeliveryRepairDocument.name) private readonly repairs: Model<DeliveryRepairDocument>) {}

  async note(target: RepairTarget, deliveryId: string, reason: string, notedAt: Date): Promise<void> {
    const fields = {
      kind: target.kind,
      repositoryId: target.kind === 'repository' ? target.repositoryId : null,
      org: target.kind === 'organisation' ? target.org : null,
      installationId: target.installationId ?? null,
      deliveryId,
      reason,
      notedAt,
      failedRuns: 0,
    };
    await this.repairs.updateOne({ _id: repairKeyOf(target) }, { $set: fields }, { upsert: true }).exec();
  }

  /** Every pending repair: few (one per repository, organisation or installation at most), so no paging. */
  async pending(): Promise<PendingRepair[]> {
    const docs = await this.repairs.find().lean<DeliveryRepairDocument[]>().exec();
    return docs.map((doc) => ({ key: doc._id, target: targetOf(doc), deliveryId: doc.deliveryId, reason: doc.reason, notedAt: doc.notedAt, failedRuns: doc.failedRuns ?? 0 }));
  }

  /** Done, unless a failure was noted meanwhile: that one asks for a read after this one. */
  async done(repair: PendingRepair): Promise<void> {
    await this.repairs.deleteOne({ _id: repair.key, notedAt: repair.notedAt }).exec();
  }

  async failed(repair: PendingRepair, error: string): Promise<void> {
    await this.repairs.updateOne({ _id: repair.key, notedAt: repair.notedAt }, { $inc: { failedRuns: 1 }, $set: { reason: error } }).exec();
  }
}
