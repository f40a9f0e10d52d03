import { z } from 'zod';
import { FilterPredicate, parsePredicate } from './entity-predicate';
import type { CatalogLocation } from './location-registry';
import { QueryInputError } from './query-input-error';

export interface LocationPage {
  items: CatalogLocation[];
  totalItems: number;
  pageInfo: { nextCursor?: string };
}

const FIELDS = { id: 'id', type: 'type', target: 'target', entityref: 'entityRef' } as const;
const cursorSchema = z.object({ limit: z.number().int().min(1), afterId: z.string().optional(), query: z.unknown().optional() });

function matches(location: CatalogLocation, predicate: FilterPredicate): boolean {
  if (typeof predicate !== 'object' || predicate === null || Array.isArray(predicate)) {
    throw new QueryInputError('Invalid filter predicate: top-level primitive values are not supported');
  }
  const p = predicate as Record<string, unknown>;
  if ('$not' in p) return !matches(location, p.$not as FilterPredicate);
  if ('$all' in p) return (p.$all as FilterPredicate[]).length > 0 && (p.$all as FilterPredicate[]).every((q) => matches(location, q));
  if ('$any' in p) return (p.$any as FilterPredicate[]).some((q) => matches(location, q));
  return Object.entries(p).every(([rawKey, expected]) => {
    if (rawKey.startsWith('$')) throw new QueryInputError(`Invalid filter predicate, unknown logic operator '${rawKey}'`);
    const field = FIELDS[rawKey.toLowerCase() as keyof typeof FIELDS];
    if (!field) throw new QueryInputError(`Invalid filter predicate, expected key to be 'id', 'type', 'target', or 'entityRef', got '${rawKey}'`);
    const actual = location[field];
    if (typeof expected !== 'object' || expected === null) return actual.toUpperCase() === String(expected).toUpperCase();
    const operator = expected as Record<string, unknown>;
    if ('$exists' in operator) return operator.$exists === true;
    if ('$in' in operator) {
      const values = (operator.$in as unknown[]).map(String);
      return field === 'id' ? values.includes(actual) : values.some((v) => v.toUpperCase() === actual.toUpperCase());
    }
    if ('$hasPrefix' in operator) return actual.toUpperCase().startsWith(String(operator.$hasPrefix).toUpperCase());
    // Locations hold no arrays.
    return false;
  });
}

/**
 * `POST /locations/by-query`: locations matching a predicate over `id`, `type`, `target` and
 * `entityRef`, in id order, paged by an opaque cursor.
 */
export function queryLocations(all: readonly CatalogLocation[], body: { cursor?: unknown; limit?: unknown; query?: unknown }): LocationPage {
  let limit: number;
  let afterId: string | undefined;
  let query: FilterPredicate | undefined;
  if (body.cursor !== undefined) {
    if (body.cursor === '') throw new QueryInputError('Cursor cannot be empty');
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(String(body.cursor), 'base64').toString('utf8'));
    } catch {
      throw new QueryInputError('Malformed cursor, unknown encoding');
    }
    const parsed = cursorSchema.safeParse(decoded);
    if (!parsed.success) throw new QueryInputError(`Malformed cursor: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    ({ limit, afterId } = parsed.data);
    query = parsed.data.query === undefined ? undefined : parsePredicate(parsed.data.query);
  } else {
    limit = body.limit === undefined ? 1000 : Number(body.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new QueryInputError('Limit must be a positive integer >= 1');
    query = body.query === undefined ? undefined : parsePredicate(body.query);
  }
  const matching = all.filter((location) => query === undefined || matches(location, query)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = matching.filter((location) => afterId === undefined || location.id > afterId);
  const items = after.slice(0, limit);
  const pageInfo: LocationPage['pageInfo'] = {};
  if (after.length > limit) pageInfo.nextCursor = Buffer.from(JSON.stringify({ limit, afterId: items[items.length - 1].id, query }), 'utf8').toString('base64');
  return { items, totalItems: matching.length, pageInfo };
}
