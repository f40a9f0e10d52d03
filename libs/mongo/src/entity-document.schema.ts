import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

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
 * query FerretDB answers without scanning. Entities are stored as JSON text because Backstage
 * annotation and label keys contain dots, which MongoDB-wire servers cannot store as keys.
 *
 * Each document holds two stages, as Backstage's catalog does: the processed input (what the
 * location declares, with location annotations, and the relation rows it emits) and the
 * served, stitched entity. Multi-step work that FerretDB cannot do in one transaction is
 * recorded on the document (`pendingStitch`, `outbox`, `pendingWork`) before it starts, so a
 * crash at any point is finished after restart.
 */
@Schema({ collection: 'entities', versionKey: false, timestamps: { createdAt: 'createdAt', updatedAt: 'updatedAt' } })
export class EntityDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  /** Stable for the life of the entity; kept across updates. */
  @Prop({ type: String, required: true })
  uid!: string;

  /** Etag of the served entity; empty until first stitched. */
  @Prop({ type: String, default: '' })
  etag!: string;

  @Prop({ type: String, required: true })
  kind!: string;

  @Prop({ type: String, required: true })
  namespace!: string;

  @Prop({ type: String, required: true })
  name!: string;

  /** The processed input (location annotations applied, not stitched); null on a tombstone. */
  @Prop({ type: String, default: null })
  processedJson!: string | null;

  /** The served entity (with uid, etag and stitched relations); null until stitched and on a tombstone. */
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

  /** Optimistic concurrency: every guarded write bumps it and is conditional on the previous value. */
  @Prop({ type: Number, required: true })
  revision!: number;

  /** A tombstone (entity removed) is kept so that a late, older upsert cannot resurrect it. */
  @Prop({ type: Boolean, required: true, default: false })
  deleted!: boolean;

  /** Relation rows this entity emits (both directions), encoded by relation-row.encoding.ts. */
  @Prop({ type: [String], default: [] })
  relationRows!: string[];

  /** The rows emitted before the last change, kept until the relation index reflects the change. */
  @Prop({ type: [String], default: [] })
  previousRelationRows!: string[];

  /** Refs to re-stitch because of the last change; emptied when done. */
  @Prop({ type: [String], default: [] })
  pendingStitch!: string[];

  /** Change events (CloudEvents JSON) recorded with the change and not yet published. */
  @Prop({ type: [String], default: [] })
  outbox!: string[];

  /** True while pendingStitch or outbox may hold work (what the recovery sweep looks for). */
  @Prop({ type: Boolean, default: false })
  pendingWork!: boolean;

  @Prop({ type: SchemaFactory.createForClass(EntitySourceDocument), required: true })
  source!: EntitySourceDocument;

  createdAt?: Date;
  updatedAt?: Date;
}

export const EntityDocumentSchema = SchemaFactory.createForClass(EntityDocument);

// Serves "all entities of a location" (location status, reconciliation).
EntityDocumentSchema.index({ locationKey: 1 });
// Serves the recovery sweep `{ pendingWork: true }` at start-up.
EntityDocumentSchema.index({ pendingWork: 1 });
