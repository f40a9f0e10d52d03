import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ProcessedDeliveryDocument } from '@callboard/mongo';

/** Which GitHub deliveries were processed, and when (`processed_deliveries`). */
@Injectable()
export class ProcessedDeliveriesRepository {
  constructor(@InjectModel(ProcessedDeliveryDocument.name) private readonly deliveries: Model<ProcessedDeliveryDocument>) {}

  async isProcessed(deliveryId: string): Promise<boolean> {
    // An `_id` lookup: the one query FerretDB's SQLite backend answers without a scan.
    return (await this.deliveries.exists({ _id: deliveryId }).exec()) !== null;
  }

  async markProcessed(deliveryId: string, event: string, processedAt: Date): Promise<void> {
    await this.deliveries.updateOne({ _id: deliveryId }, { $set: { event, processedAt } }, { upsert: true }).exec();
  }

  /** Forgets deliveries processed before `cutoff`; returns how many. */
  async deleteProcessedBefore(cutoff: Date): Promise<number> {
    const { deletedCount } = await this.deliveries.deleteMany({ processedAt: { $lt: cutoff } }).exec();
    return deletedCount;
  }
}
