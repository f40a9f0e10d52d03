import { Injectable } from '@nestjs/common';
import { CursorQuery, InitialQuery } from '@callboard/catalog-index';
import { CatalogReadModel } from '../read-model/catalog-read-model';
import { JsonBody } from '../http/json-body';
import { entityText } from './entity-text';

export class QueryEntitiesQuery {
  constructor(
    readonly request: InitialQuery | CursorQuery,
    readonly fields: string[] | undefined,
  ) {}
}

/** `GET|POST /entities/by-query`: one page of a filtered, ordered, full-text searched listing with cursors both ways. */
@Injectable()
export class QueryEntities {
  constructor(private readonly readModel: CatalogReadModel) {}

  /** The response JSON: `{ items, totalItems, pageInfo: { nextCursor?, prevCursor? } }`. */
  execute(query: QueryEntitiesQuery): Buffer {
    const page = this.readModel.queries.queryEntities(query.request);
    const items = page.ids.map((id) => entityText(this.readModel.index.get(id)!, query.fields));
    const pageInfo = { nextCursor: page.nextCursor, prevCursor: page.prevCursor };
    return new JsonBody()
      .text('{"items":')
      .array(items)
      .text(`,"totalItems":${page.totalItems},"pageInfo":${JSON.stringify(pageInfo)}}`)
      .toBuffer();
  }
}
