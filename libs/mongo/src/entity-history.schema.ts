import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** `_id` of an entity's `seq`th change: ordered by seq within a ref, found without a secondary index. */
export function entityHistoryId(entityRef: string, seq: number): string {
  return `${entityRef}#${String(seq).padStart(10, '0')}`;
}

/**
 * `entity_history`: one document per served-entity change, `_id` = entityHistoryId(ref, seq)
 * where seq counts the entity's changes (its `entities` document holds the latest, so a page of
 * history is a handful of `_id` lookups; recording the same change twice is a no-op). Kept after
 * the entity is deleted.
 */
@Schema({ collection: 'entity_history', versionKey: false })
export class EntityHistoryDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  seq!: number;

  /** The change event's CloudEvents id. */
  @Prop({ type: String, required: true })
  eventId!: string;

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

  /**
   * RFC 6902 JSON Patch, as raw-deflated JSON text (patch paths and values may contain dotted
   * keys; a creation's patch holds the whole entity, and the engine's cost grows with the bytes).
   */
  @Prop({ type: Buffer, required: true })
  patchDeflated!: Buffer;
}

export const EntityHistoryDocumentSchema = SchemaFactory.createForClass(EntityHistoryDocument);
