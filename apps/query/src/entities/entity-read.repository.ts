import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import type { Entity, EntityFilter } from '@callboard/entity-model';
import { EntityDocument } from '@callboard/mongo';

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
      .find(toMongoQuery(filter), { entityJson: 1 })
      .sort({ _id: 1 })
      .lean<Array<Pick<EntityDocument, '_id' | 'entityJson'>>>()
      .exec();
    return docs.filter((doc) => doc.entityJson).map((doc) => JSON.parse(doc.entityJson!) as Entity);
  }
}

/**
 * Translates a parsed Backstage filter into a query on the `search` pairs. Keys and values
 * only ever appear as string operands, so no caller-supplied text can become an operator.
 */
export function toMongoQuery(filter: EntityFilter | undefined): QueryFilter<EntityDocument> {
  const live: QueryFilter<EntityDocument> = { deleted: false };
  if (!filter) return live;
  const branches = filter.anyOf.map(({ allOf }) => ({
    $and: allOf.map((condition) =>
      condition.values
        ? { search: { $elemMatch: { k: String(condition.key), v: { $in: condition.values.map(String) } } } }
        : { search: { $elemMatch: { k: String(condition.key) } } },
    ),
  }));
  return { $and: [live, { $or: branches }] };
}
