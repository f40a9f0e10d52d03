import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Entity, EntityFilter } from '@callboard/entity-model';
import { EntityDocument, entityFilterQuery } from '@callboard/mongo';

/** Reads served entities from the `entities` collection, returning plain entity objects. */
@Injectable()
export class EntityReadRepository {
  constructor(@InjectModel(EntityDocument.name) private readonly entities: Model<EntityDocument>) {}

  async findByRef(ref: string): Promise<Entity | null> {
    const doc = await this.entities.findById(ref, { entityJson: 1, deleted: 1 }).lean<Pick<EntityDocument, 'entityJson' | 'deleted'>>().exec();
    return doc && !doc.deleted && doc.entityJson ? (JSON.parse(doc.entityJson) as Entity) : null;
  }

  async find(filter: EntityFilter | undefined): Promise<Entity[]> {
    const docs = await this.entities
      .find(entityFilterQuery(filter), { entityJson: 1 })
      .sort({ _id: 1 })
      .lean<Array<Pick<EntityDocument, '_id' | 'entityJson'>>>()
      .exec();
    return docs.filter((doc) => doc.entityJson).map((doc) => JSON.parse(doc.entityJson!) as Entity);
  }
}
