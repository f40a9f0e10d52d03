import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

@Schema({ _id: false, versionKey: false })
export class EntitySourceDocument {
  @Prop({ required: true, type: String }) provider!: string;
  @Prop({ required: true, type: String }) deliveryId!: string;
  @Prop({ required: true, type: String }) repository!: string;
  @Prop({ required: true, type: String }) commitSha!: string;
  @Prop({ required: true, type: String }) path!: string;
}

/**
 * The `entities` collection: one document per entity ref, written by the catalog service and
 * read by the query service (the persistence contract between the two).
 *
 * `_id` is the lowercased entity ref, so by-ref and by-name reads are `_id` lookups: the one
 * query FerretDB answers without scanning. The served entity is stored as JSON text because
 * Backstage annotation and label keys contain dots, which MongoDB-wire servers cannot store
 * as document keys.
 */
@Schema({ collection: 'entities', versionKey: false, timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' } })
export class EntityDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  /** Stable for the life of the entity; kept across updates. */
  @Prop({ type: String, required: true })
  uid!: string;

  @Prop({ type: String, required: true })
  etag!: string;

  @Prop({ type: String, required: true })
  kind!: string;

  @Prop({ type: String, required: true })
  namespace!: string;

  @Prop({ type: String, required: true })
  name!: string;

  /** The served entity, JSON-encoded; null on a tombstone. */
  @Prop({ type: String, default: null })
  entityJson!: string | null;

  /** Hash of the processed input: an unchanged input is not written again. */
  @Prop({ type: String, required: true })
  inputHash!: string;

  /** The owning location, `url:<target>`: only it may update or remove the entity. */
  @Prop({ type: String, required: true })
  locationKey!: string;

  /** Source ordering (ms); events older than this are ignored. */
  @Prop({ type: Number, required: true })
  sourceVersion!: number;

  /** Optimistic concurrency: every write bumps it and is conditional on the previous value. */
  @Prop({ type: Number, required: true })
  revision!: number;

  /** A tombstone (entity removed) is kept so that a late, older upsert cannot resurrect it. */
  @Prop({ type: Boolean, required: true, default: false })
  deleted!: boolean;

  /** Searchable `key=value` strings (see entity-search.encoding.ts). */
  @Prop({ type: [String], default: [] })
  search!: string[];

  /** Searchable keys, for "key exists" filters. */
  @Prop({ type: [String], default: [] })
  searchKeys!: string[];

  @Prop({ type: SchemaFactory.createForClass(EntitySourceDocument), required: true })
  source!: EntitySourceDocument;

  createdAt?: Date;
  updatedAt?: Date;
}

export type EntityDocumentHydrated = HydratedDocument<EntityDocument>;
export const EntityDocumentSchema = SchemaFactory.createForClass(EntityDocument);

// Serve the filter queries `{ search: { $in: ['kind=component'] } }` and `{ searchKeys: 'spec.owner' }` (GET /entities?filter=...).
EntityDocumentSchema.index({ search: 1 });
EntityDocumentSchema.index({ searchKeys: 1 });
// Serves "all entities of a location" (orphan removal, location status).
EntityDocumentSchema.index({ locationKey: 1 });
