import type { QueryFilter } from 'mongoose';
import type { EntityFilter, SearchPair } from '@callboard/entity-model';
import type { EntityDocument } from './entity-document.schema';

/**
 * Search pairs are stored as plain strings (`key=value`) plus a list of keys, because
 * FerretDB's `$elemMatch` cannot match fields of array subdocuments while plain array
 * equality works on both it and MongoDB. A key never contains `=`: the filter syntax splits
 * on the first one, so such a key could not be asked for anyway.
 */
export function encodeSearchPairs(pairs: readonly SearchPair[]): Pick<EntityDocument, 'search' | 'searchKeys'> {
  const search = new Set<string>();
  const searchKeys = new Set<string>();
  for (const { k, v } of pairs) {
    if (k.includes('=')) continue;
    searchKeys.add(k);
    if (v !== null) search.add(`${k}=${v}`);
  }
  return { search: [...search], searchKeys: [...searchKeys] };
}

/**
 * Translates a parsed Backstage filter into a query over the encoded search strings. Keys
 * and values only ever become string operands, so no caller text can become an operator.
 */
export function entityFilterQuery(filter: EntityFilter | undefined): QueryFilter<EntityDocument> {
  const live: QueryFilter<EntityDocument> = { deleted: false };
  if (!filter) return live;
  const branches = filter.anyOf.map(({ allOf }) => ({
    $and: allOf.map((condition) =>
      condition.values
        ? { search: { $in: condition.values.map((value) => `${String(condition.key)}=${String(value)}`) } }
        : { searchKeys: String(condition.key) },
    ),
  }));
  return { $and: [live, { $or: branches }] };
}
