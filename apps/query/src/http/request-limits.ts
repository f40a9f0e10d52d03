import { decodeCursor, FilterPredicate, parseFieldList, parsePredicate, QueryCursor, QueryInputError } from '@callboard/catalog-index';
import { jsonNestingExceeds } from '@callboard/observability';

/**
 * What one read request may ask for, so that no request can hold the event loop for long.
 * Each number is documented in docs/query-api.md ("Request limits"); requests beyond them are
 * refused with a 400 InputError naming the limit before any work that grows with them is done.
 */
export const REQUEST_LIMITS = {
  /** express.json's default, which Backstage's catalog router keeps (catalog-client splits by-refs at 90 KiB for it). */
  bodyBytes: 100 * 1024,
  /** Levels of objects and arrays in a JSON body; checked on the raw bytes before parsing. */
  bodyDepth: 64,
  /** Levels of objects and arrays in one predicate (`query`, or the one a cursor carries). */
  predicateDepth: 16,
  /** Objects in one predicate: field expressions and operators. */
  predicateObjects: 500,
  /** `$all`, `$any` and `$not` in one predicate: validating each costs about a millisecond. */
  predicateLogicalOperators: 32,
  /** Paths in `fields`, and the length of one path. */
  fields: 100,
  fieldLength: 512,
  /** `orderField` / `orderBy` of `/entities/by-query`, and `order` of `/entities`. */
  orderFields: 10,
  /** `/entities` with several `order` fields sorts one row per combination of their values. */
  orderRows: 250_000,
  /** `entityRefs` of `/entities/by-refs`: catalog-client's chunk size. */
  entityRefs: 1000,
  fullTextTermLength: 256,
  /** `%` in a full-text term: each one multiplies the matching work per value. */
  fullTextWildcards: 2,
  fullTextFields: 20,
  facets: 50,
} as const;

const LOGICAL_OPERATORS = new Set(['$all', '$any', '$not']);

/**
 * Refuses a predicate that is too deep or too large, walking it without recursion and
 * stopping at the first excess, so the refusal costs no more than the limits allow.
 */
export function checkPredicateSize(predicate: unknown, what = 'query'): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: predicate, depth: 1 }];
  let objects = 0;
  let operators = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > REQUEST_LIMITS.predicateDepth) {
      throw new QueryInputError(`Invalid ${what}: nested deeper than ${REQUEST_LIMITS.predicateDepth} levels of objects and arrays`);
    }
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (++objects > REQUEST_LIMITS.predicateObjects) throw new QueryInputError(`Invalid ${what}: more than ${REQUEST_LIMITS.predicateObjects} objects`);
    for (const [key, item] of Object.entries(value)) {
      if (LOGICAL_OPERATORS.has(key) && ++operators > REQUEST_LIMITS.predicateLogicalOperators) {
        throw new QueryInputError(`Invalid ${what}: more than ${REQUEST_LIMITS.predicateLogicalOperators} $all, $any and $not operators`);
      }
      stack.push({ value: item, depth: depth + 1 });
    }
  }
}

/** `fields` as given (comma-separated, repeated): how many paths, and how long each. */
export function checkFieldsSize(values: readonly unknown[], name = 'fields'): void {
  let count = 0;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    for (const field of value.split(',')) {
      if (++count > REQUEST_LIMITS.fields) throw new QueryInputError(`Invalid ${name}: more than ${REQUEST_LIMITS.fields} fields`);
      if (field.length > REQUEST_LIMITS.fieldLength) throw new QueryInputError(`Invalid ${name}: a field longer than ${REQUEST_LIMITS.fieldLength} characters`);
    }
  }
}

export function checkOrderFieldsSize(count: number, name: string): void {
  if (count > REQUEST_LIMITS.orderFields) throw new QueryInputError(`Invalid ${name}: more than ${REQUEST_LIMITS.orderFields} order fields`);
}

export function checkEntityRefsSize(count: number): void {
  if (count > REQUEST_LIMITS.entityRefs) throw new QueryInputError(`request/body/entityRefs must NOT have more than ${REQUEST_LIMITS.entityRefs} items`);
}

export function checkFullTextSize(term: string | undefined, fields: readonly string[] | undefined): void {
  if (term !== undefined) {
    if (term.length > REQUEST_LIMITS.fullTextTermLength) throw new QueryInputError(`Invalid full text term: longer than ${REQUEST_LIMITS.fullTextTermLength} characters`);
    if (term.split('%').length - 1 > REQUEST_LIMITS.fullTextWildcards) throw new QueryInputError(`Invalid full text term: more than ${REQUEST_LIMITS.fullTextWildcards} % wildcards`);
  }
  if (fields && fields.length > REQUEST_LIMITS.fullTextFields) throw new QueryInputError(`Invalid full text fields: more than ${REQUEST_LIMITS.fullTextFields} fields`);
}

export function checkFacetsSize(count: number, name: string): void {
  if (count > REQUEST_LIMITS.facets) throw new QueryInputError(`Invalid ${name}: more than ${REQUEST_LIMITS.facets} facets`);
}

/**
 * A cursor is client input too: base64 JSON that may carry a predicate and order fields.
 * Checked before it is decoded and validated (which would recurse through the predicate);
 * what is not JSON is left for the decoder to refuse with its own message.
 */
export function checkCursorSize(encoded: string): void {
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  // The cursor's own object and the predicate's place in it come on top of the predicate's levels.
  if (jsonNestingExceeds(text, REQUEST_LIMITS.predicateDepth + 1)) {
    throw new QueryInputError(`Malformed cursor: nested deeper than ${REQUEST_LIMITS.predicateDepth} levels of objects and arrays`);
  }
  let cursor: unknown;
  try {
    cursor = JSON.parse(text);
  } catch {
    return;
  }
  if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor)) return;
  const { query, orderFields } = cursor as { query?: unknown; orderFields?: unknown };
  if (query !== undefined) checkPredicateSize(query, 'cursor');
  if (Array.isArray(orderFields)) checkOrderFieldsSize(orderFields.length, 'cursor');
}

/** A request body's predicate, size-checked, then validated with Backstage's schema. */
export function boundedPredicate(value: unknown): FilterPredicate {
  checkPredicateSize(value);
  return parsePredicate(value);
}

/** A query cursor, size-checked, then decoded and validated. */
export function boundedCursor(encoded: string): QueryCursor {
  checkCursorSize(encoded);
  return decodeCursor(encoded);
}

/** `fields`, size-checked, then parsed as Backstage parses them. */
export function boundedFieldList(values: readonly unknown[]): string[] | undefined {
  checkFieldsSize(values);
  return parseFieldList(values);
}
