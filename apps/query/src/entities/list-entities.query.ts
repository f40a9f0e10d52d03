import { Injectable } from '@nestjs/common';
import { CatalogIndex, FilterPredicate, ListOrder, QueryInputError } from '@callboard/catalog-index';
import { CatalogReadModel } from '../read-model/catalog-read-model';
import { REQUEST_LIMITS } from '../http/request-limits';
import { JsonBody } from '../http/json-body';
import { entityText } from './entity-text';

export class ListEntitiesQuery {
  constructor(
    readonly filter: FilterPredicate | undefined,
    readonly fields: string[] | undefined,
    readonly order: ListOrder[],
    readonly paging: { limit?: number; offset?: number; after?: string } | undefined,
  ) {}
}

export interface ListEntitiesResult {
  body: Buffer;
  /** Present when a next page exists: the `after` cursor that reaches it. */
  nextAfter?: string;
}

/** Backstage's `after` cursor: base64 JSON `{ limit, offset }`. */
function decodeAfter(after: string): { limit: number; offset: number } {
  let parsed: { limit?: unknown; offset?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64').toString('utf8')) as typeof parsed;
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
  } catch {
    throw new QueryInputError('Malformed after cursor, could not be parsed');
  }
  if (!Number.isInteger(parsed.limit)) throw new QueryInputError('Malformed after cursor, limit was not an number');
  if (!Number.isInteger(parsed.offset)) throw new QueryInputError('Malformed after cursor, offset was not a number');
  return { limit: parsed.limit as number, offset: parsed.offset as number };
}

/**
 * Whether ordering by several fields would sort more than `limit` rows: it sorts one row per
 * combination of an entity's values of those fields (as Backstage's joins produce them), so
 * multi-valued fields multiply. Counted from the index before any row is built.
 */
function orderRowsExceed(index: CatalogIndex, order: readonly ListOrder[], limit: number): boolean {
  const perEntity = new Map<number, number>();
  for (const { field } of order) {
    const counts = new Map<number, number>();
    for (const posting of index.key(field)?.values.values() ?? []) {
      for (const id of index.postings.ids(posting)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, count] of counts) perEntity.set(id, (perEntity.get(id) ?? 1) * count);
  }
  let rows = index.size - perEntity.size;
  for (const count of perEntity.values()) if ((rows += count) > limit) return true;
  return rows > limit;
}

/**
 * `GET /entities`. Without paging parameters it returns the whole filtered catalog in
 * queryEntities order; with `limit`, `offset` or `after` it pages in entity-ref order and
 * tells the caller the `after` cursor of the next page.
 */
@Injectable()
export class ListEntities {
  constructor(private readonly readModel: CatalogReadModel) {}

  execute(query: ListEntitiesQuery): ListEntitiesResult {
    const { index, queries } = this.readModel;
    const render = (ids: number[]) => new JsonBody().array(ids.map((id) => entityText(index.get(id)!, query.fields))).toBuffer();
    if (!query.paging) return { body: render(queries.listAll(query.filter, query.order)) };

    let { limit, offset } = query.paging;
    // Checked before the cursor overrides it: a refused value is refused with or without one.
    if (limit !== undefined && limit <= 0) throw new QueryInputError('Invalid limit, must be greater than zero');
    if (query.paging.after !== undefined) ({ limit, offset } = decodeAfter(query.paging.after));
    if (limit !== undefined && limit <= 0) throw new QueryInputError('Invalid limit, must be greater than zero');
    if (offset !== undefined && offset < 0) throw new QueryInputError('Invalid offset, must be zero or greater');
    const rowLimit = Math.max(REQUEST_LIMITS.orderRows, 2 * index.size);
    if (query.order.length > 1 && orderRowsExceed(index, query.order, rowLimit)) {
      throw new QueryInputError(`Invalid order: these order fields would sort more than ${rowLimit} rows (one per combination of an entity's values); order by fewer or single-valued fields`);
    }
    const start = offset ?? 0;
    const size = limit ?? Number.MAX_SAFE_INTEGER - start - 1;
    const ids = queries.listPage(query.filter, query.order, start, size);
    if (ids.length <= size) return { body: render(ids) };
    return {
      body: render(ids.slice(0, size)),
      nextAfter: Buffer.from(JSON.stringify({ limit: size, offset: start + size }), 'utf8').toString('base64'),
    };
  }
}
