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
}

@Injectable()
export class OrgSyncStateRepository {
  constructor(@InjectModel(OrgSyncStateDocument.name) private readonly model: Model<OrgSyncStateDocument>) {}

  async find(orgId: number): Promise<OrgSyncState | null> {
    const doc = await this.model.findById(String(orgId)).lean<OrgSyncStateDocument>().exec();
    if (!doc) return null;
    return {
      orgId,
      login: doc.login,
      locationTarget: doc.locationTarget,
      sourceVersion: doc.sourceVersion,
      entities: doc.entities.map((line) => {
        const [ref, hash] = line.split(' ');
        return { ref, hash };
      }),
    };
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
