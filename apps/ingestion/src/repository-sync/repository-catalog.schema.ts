import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

@Schema({ _id: false, versionKey: false })
export class RecordedFileDocument {
  @Prop({ type: String, required: true }) path!: string;
  @Prop({ type: String, required: true }) originPath!: string;
  @Prop({ type: String, required: true }) target!: string;
  @Prop({ type: [String], default: [] }) refs!: string[];
  @Prop({ type: [String], default: undefined }) hashes?: string[];
  @Prop({ type: [String], default: undefined }) problemRefs?: string[];
  @Prop({ type: String, required: true }) commitSha!: string;
  @Prop({ type: Number, required: true }) sourceVersion!: number;
}

@Schema({ _id: false, versionKey: false })
export class RecordedHeadDocument {
  @Prop({ type: String, required: true }) sha!: string;
  @Prop({ type: String, default: undefined }) before?: string;
  @Prop({ type: Number, required: true }) sourceVersion!: number;
}

/**
 * `repository_catalog` (ingestion's own database): per GitHub repository id, where it is and
 * what each of its files declared when last published. Removals are derived from it when a
 * repository disappears (deleted, archived, uninstalled, or found missing by reconciliation),
 * so they do not depend on GitHub still being able to show what was there.
 */
@Schema({ collection: 'repository_catalog', versionKey: false, timestamps: { createdAt: false, updatedAt: 'updatedAt' } })
export class RepositoryCatalogDocument {
  /**
   * GitHub's repository id (stable across renames and transfers), as a string: FerretDB serves
   * only string (and ObjectId) `_id` lookups from its index.
   */
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) fullName!: string;
  /** Lowercased: GitHub names are case-insensitive. */
  @Prop({ type: String, required: true }) fullNameLower!: string;
  @Prop({ type: String, required: true }) htmlUrl!: string;
  /** Lowercased owner login. */
  @Prop({ type: String, required: true }) owner!: string;
  @Prop({ type: String, required: true }) defaultBranch!: string;
  @Prop({ type: Number, default: null }) installationId!: number | null;
  @Prop({ type: Boolean, default: false }) archived!: boolean;
  @Prop({ type: [SchemaFactory.createForClass(RecordedFileDocument)], default: [] }) files!: RecordedFileDocument[];
  /** See RepositoryRecord.head. */
  @Prop({ type: SchemaFactory.createForClass(RecordedHeadDocument), default: undefined }) head?: RecordedHeadDocument;
  /** Kept after every file (or the repository) is gone; see RepositoryRecord.versionFloor. */
  @Prop({ type: Number, default: 0 }) versionFloor!: number;
  @Prop({ type: Number, required: true }) revision!: number;
  updatedAt?: Date;
}

export const RepositoryCatalogDocumentSchema = SchemaFactory.createForClass(RepositoryCatalogDocument);
// Serve "the repositories of an installation / an owner" (uninstall, reconciliation) and refresh's by-name lookup.
RepositoryCatalogDocumentSchema.index({ installationId: 1 });
RepositoryCatalogDocumentSchema.index({ owner: 1 });
RepositoryCatalogDocumentSchema.index({ fullNameLower: 1 });
