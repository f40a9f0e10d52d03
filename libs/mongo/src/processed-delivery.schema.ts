import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `processed_deliveries`: GitHub deliveries ingestion finished processing, by `X-GitHub-Delivery`
 * id, so a redelivery changes nothing. Kept for a retention longer than GitHub's redelivery
 * window and pruned by a periodic job: FerretDB has no TTL indexes.
 */
@Schema({ collection: 'processed_deliveries', versionKey: false })
export class ProcessedDeliveryDocument {
  /** The delivery id (`X-GitHub-Delivery`). */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  event!: string;

  /** When processing finished; what pruning compares with the retention. */
  @Prop({ type: Date, required: true })
  processedAt!: Date;
}

export const ProcessedDeliveryDocumentSchema = SchemaFactory.createForClass(ProcessedDeliveryDocument);
// Serves pruning on MongoDB; a plain index, not a TTL one.
ProcessedDeliveryDocumentSchema.index({ processedAt: 1 });
