import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `delivery_repairs`: state to read again from GitHub because a delivery about it failed
 * (GitHub unreachable, rate-limited, timing out). One document per target; a later failure
 * about the same target refreshes it.
 */
@Schema({ collection: 'delivery_repairs', versionKey: false })
export class DeliveryRepairDocument {
  /** `repository:<id>`, `organisation:<login>` or `installation:<id>` (repairKeyOf). */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) kind!: 'repository' | 'organisation' | 'installation';
  @Prop({ type: Number, default: null }) repositoryId!: number | null;
  @Prop({ type: String, default: null }) org!: string | null;
  @Prop({ type: Number, default: null }) installationId!: number | null;
  /** The last delivery that failed about it, and why. */
  @Prop({ type: String, required: true }) deliveryId!: string;
  @Prop({ type: String, required: true }) reason!: string;
  @Prop({ type: Date, required: true }) notedAt!: Date;
  /** Repair runs that failed since it was noted. */
  @Prop({ type: Number, default: 0 }) failedRuns!: number;
}

export const DeliveryRepairDocumentSchema = SchemaFactory.createForClass(DeliveryRepairDocument);
