import { Injectable } from '@nestjs/common';
import { FilterPredicate } from '@callboard/catalog-index';
import { CatalogReadModel } from '../read-model/catalog-read-model';
import { JsonBody } from '../http/json-body';
import { entityText } from './entity-text';

export class GetEntitiesByRefsQuery {
  constructor(
    readonly entityRefs: string[],
    readonly fields: string[] | undefined,
    readonly filter: FilterPredicate | undefined,
  ) {}
}

/** `POST /entities/by-refs`: `{ items }` in request order, null for a ref that is unknown or filtered out. */
@Injectable()
export class GetEntitiesByRefs {
  constructor(private readonly readModel: CatalogReadModel) {}

  execute(query: GetEntitiesByRefsQuery): Buffer {
    const ids = this.readModel.queries.byRefs(query.entityRefs, query.filter);
    const items = ids.map((id) => (id === null ? 'null' : entityText(this.readModel.index.get(id)!, query.fields)));
    return new JsonBody().text('{"items":').array(items).text('}').toBuffer();
  }
}
