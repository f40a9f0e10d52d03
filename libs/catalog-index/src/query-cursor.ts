import { z } from 'zod';
import { FilterPredicate, parsePredicate } from './entity-predicate';
import { QueryInputError } from './query-input-error';

export interface OrderField {
  field: string;
  order: 'asc' | 'desc';
}

export interface FullTextFilter {
  term: string;
  fields?: string[];
}

/**
 * The state of a paged query, handed to the client as an opaque cursor. Shaped like Backstage's
 * (base64 JSON with the same keys), so a client that peeks for `query` to choose between GET
 * and POST, as @backstage/catalog-client does, behaves the same.
 */
export interface QueryCursor {
  orderFields: OrderField[];
  isPrevious: boolean;
  query?: FilterPredicate;
  fullTextFilter?: FullTextFilter;
  orderFieldValues?: Array<string | null>;
  firstSortFieldValues?: Array<string | null>;
  totalItems?: number;
}

// Key order as Backstage's decoder emits it, so re-encoded cursors look the same.
const cursorSchema = z.object({
  orderFields: z.array(z.object({ field: z.string(), order: z.enum(['asc', 'desc']) })),
  isPrevious: z.boolean(),
  fullTextFilter: z.object({ term: z.string(), fields: z.array(z.string()).optional() }).optional(),
  orderFieldValues: z.array(z.string().nullable()),
  query: z.unknown().optional(),
  firstSortFieldValues: z.array(z.string().nullable()).optional(),
  totalItems: z.number().int().min(0).optional(),
});

export function encodeCursor(cursor: QueryCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64');
}

export function decodeCursor(encoded: string): QueryCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (err) {
    throw new QueryInputError(`Malformed cursor: ${String(err)}`);
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new QueryInputError(`Malformed cursor: ${problems}`);
  }
  // Rebuilt entry by entry to keep the decoder's key order; the predicate is validated too.
  return Object.fromEntries(
    Object.entries(parsed.data).map(([key, value]) => [key, key === 'query' ? parsePredicate(value, 'Malformed cursor: invalid query') : value]),
  ) as unknown as QueryCursor;
}
