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
 * The `entities` collection: one document per entity ref, written only by the catalog consumer
 * that owns the ref's partition, always whole and by `_id` (the one query FerretDB answers from
 * an index), so no update needs to be atomic.
 *
 * `_id` is the lowercased entity ref. The processed input (what the location declares, with
 * location annotations) is kept as JSON text because Backstage annotation and label keys contain
 * dots, which MongoDB-wire servers cannot store as keys. The served entity is not stored: it is
 * the processed input stitched with the relations this entity emits and those others emit
 * towards it (`incoming`), both kept here; the catalog publishes it to the served table topic.
 * What a write publishes is not stored here either (it would be read back on every rewrite):
 * it goes to the batch outbox (`catalog_outbox_*`).
 */
@Schema({ collection: 'entities', versionKey: false, timestamps: { createdAt: false, updatedAt: 'updatedAt' } })
export class EntityDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  /** `live` (declared and served), `removed` (a tombstone: a late, older upsert cannot resurrect it), `referenced` (only named by others' relations). */
  @Prop({ type: String, required: true })
  status!: 'live' | 'removed' | 'referenced';

  /** Stable for the life of the entity; a new one when a removed entity is declared again. */
  @Prop({ type: String, default: '' })
  uid!: string;

  @Prop({ type: String, default: null })
  processedJson!: string | null;

  /** Hash of the processed input: an unchanged input is not processed again. */
  @Prop({ type: String, default: '' })
  inputHash!: string;

  /** The owning location, `url:<target>`: only it may update or remove the entity. */
  @Prop({ type: String, default: '' })
  locationKey!: string;

  /** Source ordering (ms); events older than this are ignored. */
  @Prop({ type: Number, default: 0 })
  sourceVersion!: number;

  @Prop({ type: SchemaFactory.createForClass(EntitySourceDocument), default: null })
  source!: EntitySourceDocument | null;

  /**
   * Relation rows this entity emits (both directions), one `source|type|target` per line. Text,
   * not an array: the engine stores every array element with its own type information, so a
   * string is several times smaller to store and to read back on each rewrite.
   */
  @Prop({ type: String, default: '' })
  relationRows!: string;

  /**
   * This entity's relation index: per other entity (origin) emitting relations towards it, one
   * line `origin<TAB>originRevision<TAB>type|target<TAB>type|target...`. Text for the same reason.
   */
  @Prop({ type: String, default: '' })
  incoming!: string;

  /** Etag of the served entity; empty when it is not served. */
  @Prop({ type: String, default: '' })
  etag!: string;

  /** Bumped by every write; writes are conditional on it (a second writer is detected, not merged). */
  @Prop({ type: Number, required: true })
  revision!: number;

  /** Number of changes recorded in `entity_history` for this ref (`<ref>#<seq>`). */
  @Prop({ type: Number, default: 0 })
  historySeq!: number;

  /** The write that wrote it last (`<consumer group>|<topic>|<partition>|<offset>#<attempt>`): what the batch outbox names. */
  @Prop({ type: String, default: '' })
  lastWrite!: string;

  /** Processing errors reported per location (callboard.entity-status.v1), as JSON text (messages may hold any key); '' when none. */
  @Prop({ type: String, default: '' })
  problemsJson!: string;

  updatedAt?: Date;
}

export const EntityDocumentSchema = SchemaFactory.createForClass(EntityDocument);
