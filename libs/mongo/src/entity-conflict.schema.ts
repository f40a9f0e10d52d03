import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `entity_conflicts`: a second location declaring an entity another location owns. `_id` is
 * `<entity ref>|<contender location>`; removed when the contender stops declaring it.
 */
@Schema({ collection: 'entity_conflicts', versionKey: false })
export class EntityConflictDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  entityRef!: string;

  @Prop({ type: String, required: true })
  ownerLocationKey!: string;

  @Prop({ type: String, required: true })
  contenderLocationKey!: string;

  @Prop({ type: Date, required: true })
  firstSeenAt!: Date;

  @Prop({ type: Date, required: true })
  lastSeenAt!: Date;

  @Prop({ type: String, required: true })
  deliveryId!: string;

  @Prop({ type: String, required: true })
  commitSha!: string;
}

export const EntityConflictDocumentSchema = SchemaFactory.createForClass(EntityConflictDocument);
