import { createZodV3FilterPredicateSchema, FilterPredicate } from '@backstage/filter-predicates';
import { z as zodV3 } from 'zod/v3';
import { fromZodError } from 'zod-validation-error/v3';
import type { CatalogIndex } from './catalog-index';
import { IdBitmap } from './id-bitmap';
import { QueryInputError } from './query-input-error';

export type { FilterPredicate };

// Backstage validates predicates with this very schema (zod v3 flavour) and reports with zod-validation-error.
const predicateSchema = createZodV3FilterPredicateSchema(zodV3);

/**
 * Validates a predicate `query` from a request body. Value matchers are parsed leniently as
 * Backstage does (unknown keys next to a known operator are dropped), and the parsed form is
 * what gets evaluated.
 */
export function parsePredicate(value: unknown, context = 'Invalid query'): FilterPredicate {
  const result = predicateSchema.safeParse(value);
  if (!result.success) throw new QueryInputError(`${context}: ${fromZodError(result.error).message}`);
  return result.data;
}

/**
 * Backstage's `filter` query parameters as a predicate: each parameter is comma-separated
 * `key=value` statements (AND), parameters are alternatives (OR), statements with the same key
 * as written are alternatives (`$in`), and a bare key asks that the key exists.
 */
export function filterParamsToPredicate(params: readonly unknown[]): FilterPredicate | undefined {
  const alternatives: FilterPredicate[] = [];
  for (const param of params) {
    if (typeof param !== 'string') throw new QueryInputError('Invalid filter, not a string');
    const statements = param
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (statements.length === 0) continue;
    const byKey = new Map<string, string[]>();
    for (const statement of statements) {
      const equalsIndex = statement.indexOf('=');
      const key = equalsIndex === -1 ? statement : statement.slice(0, equalsIndex).trim();
      if (!key) throw new QueryInputError(`Invalid filter, '${statement}' is not a valid statement (expected a string on the form a=b or a= or a)`);
      const values = byKey.get(key) ?? [];
      byKey.set(key, values);
      if (equalsIndex !== -1) values.push(statement.slice(equalsIndex + 1).trim());
    }
    const parts: FilterPredicate[] = [...byKey].map(([key, values]) => {
      if (values.length === 0) return { [key]: { $exists: true } } as FilterPredicate;
      return (values.length === 1 ? { [key]: values[0] } : { [key]: { $in: values } }) as FilterPredicate;
    });
    alternatives.push(parts.length === 1 ? parts[0] : { $all: parts });
  }
  if (alternatives.length === 0) return undefined;
  return alternatives.length === 1 ? alternatives[0] : { $any: alternatives };
}

/** Both filters must hold; either may be absent. */
export function allOf(...predicates: Array<FilterPredicate | undefined>): FilterPredicate | undefined {
  const present = predicates.filter((p): p is FilterPredicate => p !== undefined);
  if (present.length <= 1) return present[0];
  return { $all: present };
}

type Primitive = string | number | boolean;
const isPrimitive = (value: unknown): value is Primitive => ['string', 'number', 'boolean'].includes(typeof value);
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const lower = (value: Primitive) => String(value).toLowerCase();

/**
 * Evaluates a predicate over the index, with the semantics of Backstage's SQL translation:
 * each field condition asks whether some search row of the entity has that key (lowercased)
 * and value (compared lowercased); `$not` is "no row matches", so entities without the key
 * satisfy it.
 */
export function evaluatePredicate(index: CatalogIndex, predicate: FilterPredicate | undefined): IdBitmap {
  if (predicate === undefined) return index.all();
  return new PredicateEvaluator(index).match(predicate);
}

class PredicateEvaluator {
  constructor(private readonly index: CatalogIndex) {}

  match(predicate: unknown): IdBitmap {
    if (!isPlainObject(predicate)) {
      throw new QueryInputError(
        `Invalid filter predicate: top-level primitive values are not supported. Wrap the value in a field expression, e.g. { "kind": ${JSON.stringify(predicate)} }`,
      );
    }
    if ('$not' in predicate) return this.index.all().andNot(this.match(predicate.$not));
    if ('$all' in predicate) {
      const result = this.index.all();
      for (const part of predicate.$all as unknown[]) result.and(this.match(part));
      return result;
    }
    if ('$any' in predicate) {
      const result = this.none();
      for (const part of predicate.$any as unknown[]) result.or(this.match(part));
      return result;
    }
    const result = this.index.all();
    for (const [key, value] of Object.entries(predicate)) result.and(this.field(key.toLowerCase(), value));
    return result;
  }

  private none(): IdBitmap {
    return new IdBitmap(this.index.capacity);
  }

  private values(key: string, values: readonly Primitive[]): IdBitmap {
    const postings = this.index.key(key);
    const result = this.none();
    if (!postings) return result;
    for (const value of values) this.index.postings.addTo(result, postings.values.get(lower(value)));
    return result;
  }

  private field(key: string, value: unknown): IdBitmap {
    if (isPrimitive(value)) return this.index.valueBitmap(key, lower(value));
    if (!isPlainObject(value)) return this.invalidValue(key, value);
    if ('$exists' in value) {
      const holders = this.index.holdersBitmap(key);
      return value.$exists ? holders : this.index.all().andNot(holders);
    }
    if ('$in' in value) return this.values(key, value.$in as Primitive[]);
    if ('$hasPrefix' in value) {
      const prefix = String(value.$hasPrefix).toLowerCase();
      const result = this.none();
      for (const [candidate, posting] of this.index.key(key)?.values ?? []) {
        if (candidate.startsWith(prefix)) this.index.postings.addTo(result, posting);
      }
      return result;
    }
    if ('$contains' in value) return this.contains(key, value.$contains);
    return this.invalidValue(key, value);
  }

  private contains(key: string, target: unknown): IdBitmap {
    // Arrays are flattened into one row per element, so containing a value is having it.
    if (isPrimitive(target)) return this.index.valueBitmap(key, lower(target));
    if (!isPlainObject(target)) throw new QueryInputError(`Unsupported $contains target for field "${key}": ${JSON.stringify(target)}`);
    if (key !== 'relations') throw new QueryInputError(`Object form of $contains is not supported for field "${key}"`);
    let type: unknown;
    let targetRefs: string[] | undefined;
    const seen = new Set<string>();
    for (const [rawKey, raw] of Object.entries(target)) {
      const name = rawKey.toLowerCase();
      if (seen.has(name)) throw new QueryInputError(`Duplicate key "${rawKey}" in $contains for "relations"`);
      seen.add(name);
      if (name === 'type') type = raw;
      else if (name === 'targetref') targetRefs = this.relationTargets(raw);
      else throw new QueryInputError(`Unsupported key "${rawKey}" in $contains for "relations". Only "type" and "targetRef" are supported`);
    }
    if (typeof type !== 'string') throw new QueryInputError('The $contains operator for "relations" requires a "type" string property');
    const relationKey = `relations.${type.toLowerCase()}`;
    if (!targetRefs) return this.index.holdersBitmap(relationKey);
    return this.values(relationKey, targetRefs);
  }

  private relationTargets(raw: unknown): string[] {
    if (typeof raw === 'string') return [raw.toLowerCase()];
    if (isPlainObject(raw) && Object.keys(raw).length === 1 && Array.isArray(raw.$in) && raw.$in.every((r) => typeof r === 'string')) {
      if (raw.$in.length === 0) throw new QueryInputError('Empty "$in" array for $contains on "relations" is not allowed');
      return (raw.$in as string[]).map((r) => r.toLowerCase());
    }
    throw new QueryInputError(`Unsupported value in $contains for "relations": expected a string or { "$in": [strings] }, but got ${JSON.stringify(raw)}`);
  }

  private invalidValue(key: string, value: unknown): never {
    throw new QueryInputError(
      `Invalid filter predicate value for field "${key}": expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, but got ${JSON.stringify(value)}`,
    );
  }
}
