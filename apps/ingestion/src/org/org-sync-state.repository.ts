import { Injectable } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PublishedOrgEntity } from '@callboard/entity-model';

/**
 * `github_org_syncs`: what the last sync of each organisation published, `_id` = the
 * organisation's GitHub id (stable across renames). Written only after the entity events
 * were acknowledged, so a crash in between republishes, which the catalog absorbs.
 */
@Schema({ collection: 'github_org_syncs', versionKey: false })
export class OrgSyncStateDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  login!: string;

  /** The location the entities were published from (`https://github.com/<org>`). */
  @Prop({ type: String, required: true })
  locationTarget!: string;

  /** The App installation the organisation was read through, so that its removal or suspension takes the people along. */
  @Prop({ type: Number, required: false })
  installationId?: number;

  /** `<entity ref> <hash>` per published entity (a ref has no space). */
  @Prop({ type: [String], default: [] })
  entities!: string[];

  /** Source version of the last published events; the next sync publishes a higher one. */
  @Prop({ type: Number, required: true })
  sourceVersion!: number;

  @Prop({ type: String, required: true })
  deliveryId!: string;

  @Prop({ type: Date, required: true })
  syncedAt!: Date;
}

export const OrgSyncStateDocumentSchema = SchemaFactory.createForClass(OrgSyncStateDocument);

export interface OrgSyncState {
  orgId: number;
  login: string;
  locationTarget: string;
  entities: PublishedOrgEntity[];
  sourceVersion: number;
  installationId?: number;
}

@Injectable()
export class OrgSyncStateRepository {
  constructor(@InjectModel(OrgSyncStateDocument.name) private readonly model: Model<OrgSyncStateDocument>) {}

  async find(orgId: number): Promise<OrgSyncState | null> {
    const doc = await this.model.findById(String(orgId)).lean<OrgSyncStateDocument>().exec();
    return doc ? stateOf(doc) : null;
  }

  /** Every organisation whose people were published: what a reconciliation without an App covers. */
  async all(): Promise<OrgSyncState[]> {
    return (await this.model.find().lean<OrgSyncStateDocument[]>().exec()).map(stateOf);
  }

  /** Organisations last read through an installation, or (for states recorded before installations were) by login. */
  async findByInstallation(installationId: number, login: string | undefined): Promise<OrgSyncState[]> {
    // One document per organisation: few enough to filter here, case-insensitively as GitHub compares logins.
    const docs = await this.model.find().lean<OrgSyncStateDocument[]>().exec();
    return docs
      .map(stateOf)
      .filter((state) => state.installationId === installationId || (state.installationId === undefined && login !== undefined && state.login.toLowerCase() === login.toLowerCase()));
  }

  async save(state: OrgSyncState, deliveryId: string): Promise<void> {
    await this.model
      .replaceOne(
        { _id: String(state.orgId) },
        {
          login: state.login,
          locationTarget: state.locationTarget,
          entities: state.entities.map((e) => `${e.ref} ${e.hash}`),
          sourceVersion: state.sourceVersion,
          ...(state.installationId !== undefined ? { installationId: state.installationId } : {}),
          deliveryId,
          syncedAt: new Date(),
        },
        { upsert: true },
      )
      .exec();
  }

  async delete(orgId: number): Promise<void> {
    await this.model.deleteOne({ _id: String(orgId) }).exec();
  }
}

function stateOf(doc: OrgSyncStateDocument): OrgSyncState {
  return {
    orgId: Number(doc._id),
    login: doc.login,
    locationTarget: doc.locationTarget,
    sourceVersion: doc.sourceVersion,
    ...(doc.installationId !== undefined && doc.installationId !== null ? { installationId: doc.installationId } : {}),
    entities: doc.entities.map((line) => {
      const [ref, hash] = line.split(' ');
      return { ref, hash };
    }),
  };
}
