import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `entity_history`: one document per served-entity change, `_id` = the change event's
 * CloudEvents id (so recording it twice is a no-op). Kept after the entity is deleted.
 */
@Schema({ collection: 'entity_history', versionKey: false })
export class EntityHistoryDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  entityRef!: string;

  @Prop({ type: String, required: true })
  uid!: string;

  @Prop({ type: Date, required: true })
  time!: Date;

  /** created | updated | deleted */
  @Prop({ type: String, required: true })
  changeType!: string;

  @Prop({ type: String, default: null })
  etag!: string | null;

  @Prop({ type: String, required: true })
  deliveryId!: string;

  @Prop({ type: String, required: true })
  commitSha!: string;

  @Prop({ type: String, required: true })
  repository!: string;

  @Prop({ type: String, required: true })
  path!: string;

  /** The entity whose event caused this change (differs from entityRef for re-stitches). */
  @Prop({ type: String, required: true })
  causeEntityRef!: string;

  /** RFC 6902 JSON Patch, as JSON text (patch paths and values may contain dotted keys). */
  @Prop({ type: String, required: true })
  patchJson!: string;
}

export const EntityHistoryDocumentSchema = SchemaFactory.createForClass(EntityHistoryDocument);
// Serves GET .../history: `{ entityRef }` sorted by `{ time: -1, _id: -1 }`.
EntityHistoryDocumentSchema.index({ entityRef: 1, time: -1, _id: -1 });
