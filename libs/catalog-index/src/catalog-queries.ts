import type { CatalogIndex } from './catalog-index';
import { evaluatePredicate, FilterPredicate } from './entity-predicate';
import { FullTextMatcher, likeContains } from './full-text';
import { IdBitmap } from './id-bitmap';
import { encodeCursor, FullTextFilter, OrderField, QueryCursor } from './query-cursor';
import { lowerBound, SortedRows, SortedRowsCache, upperBound } from './sorted-rows';

export const DEFAULT_QUERY_LIMIT = 200;

export interface InitialQuery {
  query?: FilterPredicate;
  orderFields?: OrderField[];
  fullTextFilter?: FullTextFilter;
  offset?: number;
  limit?: number;
  totalItems?: 'include' | 'exclude';
}

export interface CursorQuery {
  cursor: QueryCursor;
  limit?: number;
}

/** Entity ids in response order; an entity with several values for the sort key appears once per value, as in Backstage. */
export interface QueryPage {
  ids: number[];
  totalItems: number;
  nextCursor?: string;
  prevCursor?: string;
}

export interface ListOrder {
  field: string;
  order: 'asc' | 'desc';
}

export interface FacetCount {
  value: string;
  count: number;
}

interface Row {
  id: number;
  value: string;
  uid: string;
}

const UID_KEY = 'metadata.uid';

/**
 * Backstage's read queries over the in-memory index: paged and cursor queries, the plain
 * entity list in its two modes, by-refs and facets. Pure: no I/O, no clock.
 */
export class CatalogQueries {
  private readonly sorted: SortedRowsCache;
  private readonly fullText: FullTextMatcher;
  private refOrder: { version: number; ids: Int32Array } | undefined;

  constructor(readonly index: CatalogIndex) {
    this.sorted = new SortedRowsCache(index);
    this.fullText = new FullTextMatcher(index);
  }

  /** `GET|POST /entities/by-query`: Backstage's queryEntities, step for step (see docs/query-semantics.md). */
  queryEntities(request: InitialQuery | CursorQuery): QueryPage {
    const limit = request.limit ?? DEFAULT_QUERY_LIMIT;
    const isCursor = 'cursor' in request;
    const c: QueryCursor = isCursor
      ? { ...request.cursor }
      : { orderFields: request.orderFields ?? [], isPrevious: false, query: request.query, fullTextFilter: request.fullTextFilter };
    const mode = isCursor ? 'exclude' : (request.totalItems ?? 'include');
    const sortField = c.orderFields[0] as OrderField | undefined;
    const sortKey = sortField?.field.toLowerCase();
    const term = c.fullTextFilter?.term?.trim();
    const fullTextKeys = c.fullTextFilter?.fields ?? [sortKey || UID_KEY];

    const base = evaluatePredicate(this.index, c.query);
    const fullTextIds = term ? this.fullText.match(fullTextKeys, term) : undefined;
    // Searching only the sort key filters rows rather than entities (it matters for multi-valued keys).
    const rowTest = term && sortKey && fullTextKeys.length === 1 && fullTextKeys[0] === sortKey ? likeContains(term) : undefined;
    const candidates = fullTextIds && !rowTest ? base.clone().and(fullTextIds) : base;
    const rows = this.sorted.rows(sortKey ?? UID_KEY);

    let count = 0;
    if (c.totalItems === undefined && mode !== 'exclude') {
      const counted = base.clone();
      if (fullTextIds) counted.and(fullTextIds);
      if (sortKey) counted.and(rows.holders);
      count = counted.count();
    }

    let descending = (sortField?.order ?? 'asc') === 'desc';
    if (c.isPrevious) descending = !descending;
    const wanted = limit <= 0 ? 0 : c.isPrevious ? limit : limit + 1;
    const skip = !isCursor && request.offset !== undefined ? request.offset : 0;
    const taken = this.walk(rows, candidates, descending, c.orderFieldValues, sortKey !== undefined, skip, wanted, rowTest);

    const totalItems = c.totalItems ?? (mode === 'exclude' ? 0 : count);
    if (c.isPrevious) taken.reverse();
    const hasMore = limit > 0 && (c.isPrevious || taken.length > limit);
    if (taken.length > limit) taken.length = limit;
    const sortValues = (row: Row): Array<string | null> => (sortKey ? [row.value, row.uid] : [row.uid]);
    const isInitial = c.firstSortFieldValues === undefined;
    const first = c.firstSortFieldValues ?? (taken.length ? sortValues(taken[0]) : undefined);

    const page: QueryPage = { ids: taken.map((row) => row.id), totalItems };
    if (hasMore && taken.length > 0) {
      page.nextCursor = encodeCursor({ ...c, orderFieldValues: sortValues(taken[taken.length - 1]), firstSortFieldValues: first, isPrevious: false, totalItems });
    }
    if (!isInitial && taken.length > 0 && !sameValues(sortValues(taken[0]), c.firstSortFieldValues)) {
      page.prevCursor = encodeCursor({
        ...c,
        orderFieldValues: sortValues(taken[0]),
        firstSortFieldValues: c.firstSortFieldValues,
        isPrevious: true,
        totalItems,
      });
    }
    return page;
  }

  /**
   * `GET /entities` without paging parameters: the whole filtered catalog, ordered like
   * queryEntities (by uid, or by the first order field with entities lacking it left out).
   */
  listAll(query: FilterPredicate | undefined, order: readonly ListOrder[]): number[] {
    const sortKey = order[0]?.field.toLowerCase();
    const rows = this.sorted.rows(sortKey ?? UID_KEY);
    const candidates = evaluatePredicate(this.index, query);
    return this.walk(rows, candidates, order[0]?.order === 'desc', undefined, false, 0, Number.POSITIVE_INFINITY).map((row) => row.id);
  }

  /**
   * `GET /entities` with `limit`, `offset` or `after`: ordered by entity ref, or by the order
   * fields as given (keys are not lowercased here, as in Backstage), entities lacking the first
   * one last; returns one row more than asked so the caller knows whether a next page exists.
   */
  listPage(query: FilterPredicate | undefined, order: readonly ListOrder[], offset: number, limit: number): number[] {
    const candidates = evaluatePredicate(this.index, query);
    let ordered: number[];
    if (order.length === 0) {
      ordered = [];
      for (const id of this.idsByRef()) if (candidates.has(id)) ordered.push(id);
    } else if (order.length === 1) {
      ordered = this.singleOrder(candidates, order[0]);
    } else {
      ordered = this.multiOrder(candidates, order);
    }
    return ordered.slice(offset, offset + limit + 1);
  }

  /** `POST /entities/by-refs`: exact (lowercase) refs, in request order, null where unknown or filtered out. */
  byRefs(refs: readonly string[], query: FilterPredicate | undefined): Array<number | null> {
    const allowed = query === undefined ? undefined : evaluatePredicate(this.index, query);
    return refs.map((ref) => {
      const entity = this.index.getByRef(ref);
      if (!entity || (allowed && !allowed.has(entity.id))) return null;
      return entity.id;
    });
  }

  /** `/entity-facets`: per facet, values as written and how many matching entities have each, in value order. */
  facets(facets: readonly string[], query: FilterPredicate | undefined): Record<string, FacetCount[]> {
    const candidates = evaluatePredicate(this.index, query);
    const result: Record<string, FacetCount[]> = {};
    for (const facet of facets) {
      if (facet in result) continue;
      const postings = this.index.key(facet.toLowerCase());
      const counts: FacetCount[] = [];
      for (const [value, posting] of postings?.values ?? []) {
        const spelled = postings!.originals?.get(value);
        if (spelled instanceof Map) {
          for (const [original, variantPosting] of spelled) pushCount(counts, original, this.index.postings.countIn(variantPosting, candidates));
        } else {
          pushCount(counts, spelled ?? value, this.index.postings.countIn(posting, candidates));
        }
      }
      counts.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      result[facet] = counts;
    }
    return result;
  }

  private walk(
    rows: SortedRows,
    candidates: IdBitmap,
    descending: boolean,
    after: Array<string | null> | undefined,
    sorted: boolean,
    skip: number,
    wanted: number,
    rowTest?: (value: string) => boolean,
  ): Row[] {
    const taken: Row[] = [];
    if (wanted <= 0) return taken;
    let i = descending ? rows.ids.length - 1 : 0;
    if (after) {
      const [value, uid] = sorted && after.length === 2 ? [after[0] ?? '', after[1] ?? ''] : [(after[0] ?? '').toLowerCase(), after[0] ?? ''];
      i = descending ? lowerBound(rows, value, uid) - 1 : upperBound(rows, value, uid);
    }
    const step = descending ? -1 : 1;
    for (; i >= 0 && i < rows.ids.length && taken.length < wanted; i += step) {
      const id = rows.ids[i];
      if (!candidates.has(id)) continue;
      if (rowTest && !rowTest(rows.values[i])) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      taken.push({ id, value: rows.values[i], uid: rows.uids[i] });
    }
    return taken;
  }

  private idsByRef(): Int32Array {
    if (this.refOrder?.version === this.index.version) return this.refOrder.ids;
    const entries: Array<{ id: number; ref: string }> = [];
    for (const id of this.index.all().ids()) entries.push({ id, ref: this.index.get(id)!.ref });
    entries.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    this.refOrder = { version: this.index.version, ids: Int32Array.from(entries, (e) => e.id) };
    return this.refOrder.ids;
  }

  private singleOrder(candidates: IdBitmap, { field, order }: ListOrder): number[] {
    const rows = this.index.key(field);
    const withValue: Row[] = [];
    const seen = new IdBitmap(this.index.capacity);
    for (const [value, posting] of rows?.values ?? []) {
      for (const id of this.index.postings.ids(posting)) {
        if (!candidates.has(id)) continue;
        withValue.push({ id, value, uid: this.index.get(id)!.uid });
        seen.add(id);
      }
    }
    const direction = order === 'desc' ? -1 : 1;
    // Ties go by uid ascending whatever the direction.
    withValue.sort((a, b) => (a.value !== b.value ? (a.value < b.value ? -direction : direction) : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    const without = [...candidates.ids()].filter((id) => !seen.has(id)).sort((a, b) => compareUid(this.index.get(a)!.uid, this.index.get(b)!.uid));
    return [...withValue.map((row) => row.id), ...without];
  }

  /** Several order fields: one row per combination of values (nulls last), then uid. */
  private multiOrder(candidates: IdBitmap, order: readonly ListOrder[]): number[] {
    const valuesByField = order.map(({ field }) => {
      const byId = new Map<number, string[]>();
      for (const [value, posting] of this.index.key(field)?.values ?? []) {
        for (const id of this.index.postings.ids(posting)) byId.set(id, [...(byId.get(id) ?? []), value]);
      }
      return byId;
    });
    const rows: Array<{ id: number; uid: string; values: Array<string | null> }> = [];
    for (const id of candidates.ids()) {
      let combinations: Array<Array<string | null>> = [[]];
      for (const byId of valuesByField) {
        const values: Array<string | null> = byId.get(id) ?? [null];
        combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]));
      }
      for (const values of combinations) rows.push({ id, uid: this.index.get(id)!.uid, values });
    }
    rows.sort((a, b) => {
      for (const [i, { order: direction }] of order.entries()) {
        const x = a.values[i];
        const y = b.values[i];
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * (direction === 'desc' ? -1 : 1);
      }
      return compareUid(a.uid, b.uid);
    });
    return rows.map((row) => row.id);
  }
}

function compareUid(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function pushCount(counts: FacetCount[], value: string, count: number): void {
  if (count > 0) counts.push({ value, count });
}

function sameValues(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null> | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);
}
