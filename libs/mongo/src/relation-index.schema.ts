import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `relation_sources`: for each entity ref (lowercased `_id`), the relation rows whose source
 * it is, from whichever entity emitted them (`type|targetRef|originRef`). Stitching an entity
 * is then one `_id` lookup. Rows are added with `$addToSet` and removed with `$pullAll`, both
 * idempotent and safe when several writers touch one source concurrently.
 */
@Schema({ collection: 'relation_sources', versionKey: false })
export class RelationSourceDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: [String], default: [] })
  rows!: string[];
}

export const RelationSourceDocumentSchema = SchemaFactory.createForClass(RelationSourceDocument);
