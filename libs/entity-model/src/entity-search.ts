import { DEFAULT_NAMESPACE, Entity } from '@backstage/catalog-model';

/** One searchable key/value of an entity, lowercased, as Backstage's `search` table holds them. */
export interface SearchPair {
  k: string;
  v: string | null;
}

// Fields Backstage leaves out of the generic walk (added explicitly or not searchable).
const SPECIAL_KEYS = new Set(['attachments', 'relations', 'status', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.etag']);
const MAX_KEY_LENGTH = 200;
const MAX_VALUE_LENGTH = 200;

/**
 * Flattens an entity into searchable pairs with Backstage's rules (buildEntitySearch): dotted
 * paths, one pair per array element, `path.<item> = true` for string array items (so
 * `metadata.tags.java` works), relations as `relations.<type>`, everything lowercased.
 */
export function buildSearchPairs(entity: Entity): SearchPair[] {
  const raw: Array<{ key: string; value: unknown }> = [];
  const visit = (path: string, current: unknown): void => {
    if (SPECIAL_KEYS.has(path)) return;
    if (current === undefined || current === null || ['string', 'number', 'boolean'].includes(typeof current)) {
      raw.push({ key: path, value: current });
      return;
    }
    if (typeof current !== 'object') return;
    if (Array.isArray(current)) {
      for (const item of current) {
        visit(path, item);
        if (typeof item === 'string') raw.push({ key: `${path}.${item}`, value: true });
      }
      return;
    }
    for (const [key, value] of Object.entries(current as Record<string, unknown>)) {
      visit(path ? `${path}.${key}` : key, value);
    }
  };
  visit('', entity);
  raw.push({ key: 'metadata.name', value: entity.metadata.name });
  raw.push({ key: 'metadata.namespace', value: entity.metadata.namespace ?? DEFAULT_NAMESPACE });
  if (entity.metadata.uid) raw.push({ key: 'metadata.uid', value: entity.metadata.uid });
  for (const relation of entity.relations ?? []) {
    raw.push({ key: `relations.${relation.type}`, value: relation.targetRef });
  }

  const seen = new Set<string>();
  const pairs: SearchPair[] = [];
  for (const { key, value } of raw) {
    const k = key.toLocaleLowerCase('en-US');
    if (!k || k.length > MAX_KEY_LENGTH) continue;
    let v = value === undefined || value === null ? null : String(value).toLocaleLowerCase('en-US');
    if (v !== null && v.length > MAX_VALUE_LENGTH) v = null;
    const dedupeKey = `${k}\u0000${v}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    pairs.push({ k, v });
  }
  return pairs;
}
