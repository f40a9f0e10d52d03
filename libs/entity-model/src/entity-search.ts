import { lowerCase } from './lower-case';
import { DEFAULT_NAMESPACE, Entity } from '@backstage/catalog-model';

/** One searchable key/value of an entity, lowercased, as Backstage's `search` table holds them. */
export interface SearchPair {
  k: string;
  v: string | null;
  /** The value as written (Backstage's `original_value`, what facets report); null with `v`. */
  o: string | null;
}

// Fields Backstage leaves out of the generic walk (added explicitly or not searchable).
const SPECIAL_KEYS = new Set(['attachments', 'relations', 'status', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.etag']);
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_LENGTH = 200;

interface RawPair {
  key: string;
  value: unknown;
}

/**
 * Backstage's `traverse`: dotted paths to every leaf, one pair per array element, and
 * `path.<item> = true` for string array items (so `metadata.tags.java` works), that last kind
 * deduplicated case-insensitively (first casing wins).
 */
function traverse(root: unknown): RawPair[] {
  const output: RawPair[] = [];
  const seenPathKeys = new Set<string>();
  const visit = (path: string, current: unknown): void => {
    if (SPECIAL_KEYS.has(path)) return;
    if (current === undefined || current === null || ['string', 'number', 'boolean'].includes(typeof current)) {
      output.push({ key: path, value: current });
      return;
    }
    if (typeof current !== 'object') return;
    if (Array.isArray(current)) {
      for (const item of current) {
        visit(path, item);
        if (typeof item === 'string') {
          const pathKey = `${path}.${item}`;
          const lowerKey = lowerCase(pathKey);
          if (!seenPathKeys.has(lowerKey)) {
            seenPathKeys.add(lowerKey);
            output.push({ key: pathKey, value: true });
          }
        }
      }
      return;
    }
    for (const [key, value] of Object.entries(current as Record<string, unknown>)) {
      visit(path ? `${path}.${key}` : key, value);
    }
  };
  visit('', root);
  return output;
}

/** Every raw key/value Backstage's buildEntitySearch derives from an entity, before lowercasing. */
function rawSearchPairs(entity: Entity): RawPair[] {
  const raw = traverse(entity);
  // Always present, so that one can search for null specifically.
  raw.push({ key: 'metadata.name', value: entity.metadata.name });
  raw.push({ key: 'metadata.namespace', value: entity.metadata.namespace });
  raw.push({ key: 'metadata.uid', value: entity.metadata.uid });
  if (!entity.metadata.namespace) raw.push({ key: 'metadata.namespace', value: DEFAULT_NAMESPACE });
  for (const relation of entity.relations ?? []) {
    raw.push({ key: `relations.${relation.type}`, value: relation.targetRef });
  }
  return raw;
}

/**
 * The keys of an entity that differ only in casing from another of its keys (`spec.foo` and
 * `spec.Foo`), lowercased. Backstage's buildEntitySearch throws on such an entity, so its
 * stitching never completes and the entity is never served; empty for a servable entity.
 */
export function caseVariantSearchKeys(entity: Entity): string[] {
  const byLowerKey = new Map<string, Set<string>>();
  for (const { key } of rawSearchPairs(entity)) {
    const lower = lowerCase(key);
    byLowerKey.set(lower, (byLowerKey.get(lower) ?? new Set()).add(key));
  }
  return [...byLowerKey.entries()].filter(([, variants]) => variants.size > 1).map(([lower]) => lower);
}

/**
 * Flattens an entity into searchable pairs with Backstage's rules (buildEntitySearch): dotted
 * paths, one pair per array element, `path.<item> = true` for string array items, the name,
 * namespace and uid always (null when absent, plus `default` for a missing namespace),
 * relations as `relations.<type>`, everything lowercased, keys over 200 characters dropped,
 * values over 200 characters kept as null, and duplicate key/value pairs removed.
 */
export function buildSearchPairs(entity: Entity): SearchPair[] {
  const seen = new Set<string>();
  const pairs: SearchPair[] = [];
  for (const { key, value } of rawSearchPairs(entity)) {
    const k = lowerCase(key);
    if (k.length > MAX_KEY_LENGTH) continue;
    let o = value === undefined || value === null ? null : String(value);
    let v = o === null ? null : lowerCase(o);
    if (v !== null && v.length > MAX_VALUE_LENGTH) v = o = null;
    // A null value must not collide with the string "null".
    const dedupeKey = v === null ? `${k}\u0000\u0001` : `${k}\u0000\u0002${v}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    pairs.push({ k, v, o });
  }
  return pairs;
}
