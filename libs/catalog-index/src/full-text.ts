import type { CatalogIndex } from './catalog-index';
import { IdBitmap } from './id-bitmap';
import type { Posting } from './posting';

/**
 * Backstage matches a full-text term with SQL `value LIKE '%term%'` on lowercased search
 * values, without escaping, so `%` and `_` in the term act as wildcards.
 */
export function likeContains(term: string): (value: string) => boolean {
  const lowered = term.toLowerCase();
  if (!/[%_]/.test(lowered)) return (value) => value.includes(lowered);
  const pattern = lowered
    .split('')
    .map((c) => (c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(pattern);
  return (value) => regex.test(value);
}

interface JoinedValues {
  version: number;
  /** Every distinct value of the key, NUL-separated, so one indexOf scans them all. */
  text: string;
  starts: Int32Array;
  postings: Int32Array;
}

const SEPARATOR = '\u0000';
// Each cached result is a bitmap of the catalog (12.5 KB at 100,000 entities).
const RECENT_SEARCHES = 256;

/**
 * Entities with a value containing the term under any of the keys. A plain substring is found
 * with `indexOf` over all of a key's values joined into one string (a few milliseconds for
 * 100,000 names would otherwise go to per-value calls); wildcard terms test each value.
 */
export class FullTextMatcher {
  private readonly joined = new Map<string, JoinedValues>();
  /**
   * Recent searches (a portal's search box repeats them): term and keys → matches, valid while
   * none of the keys changed. Results are shared; callers must not modify them.
   */
  private readonly recent = new Map<string, { versions: string; matches: IdBitmap }>();

  constructor(private readonly index: CatalogIndex) {}

  match(keys: readonly string[], term: string): IdBitmap {
    const lowered = term.toLowerCase();
    const distinctKeys = [...new Set(keys.map((k) => k.toLowerCase()))];
    const cacheKey = `${distinctKeys.join('\u0000')}\u0001${lowered}`;
    const versions = `${this.index.capacity}:${distinctKeys.map((k) => this.index.key(k)?.version ?? -1).join(',')}`;
    const cached = this.recent.get(cacheKey);
    if (cached && cached.versions === versions) {
      // Refresh its place in the LRU order.
      this.recent.delete(cacheKey);
      this.recent.set(cacheKey, cached);
      return cached.matches;
    }
    const matches = this.search(distinctKeys, lowered);
    this.recent.set(cacheKey, { versions, matches });
    if (this.recent.size > RECENT_SEARCHES) this.recent.delete(this.recent.keys().next().value as string);
    return matches;
  }

  private search(keys: readonly string[], lowered: string): IdBitmap {
    const result = new IdBitmap(this.index.capacity);
    const plain = !/[%_]/.test(lowered) && !lowered.includes(SEPARATOR);
    const test = likeContains(lowered);
    for (const key of keys) {
      if (plain) this.matchPlain(key, lowered, result);
      else for (const [value, posting] of this.index.key(key)?.values ?? []) if (test(value)) this.index.postings.addTo(result, posting);
    }
    return result;
  }

  private matchPlain(key: string, term: string, result: IdBitmap): void {
    const joined = this.joinedValues(key);
    if (!joined) return;
    let position = joined.text.indexOf(term);
    while (position !== -1) {
      const i = lastStartAtOrBefore(joined.starts, position);
      this.index.postings.addTo(result, joined.postings[i]);
      const next = i + 1 < joined.starts.length ? joined.starts[i + 1] : joined.text.length;
      position = joined.text.indexOf(term, next);
    }
  }

  private joinedValues(key: string): JoinedValues | undefined {
    const postings = this.index.key(key);
    if (!postings) return undefined;
    const cached = this.joined.get(key);
    if (cached && cached.version === postings.version) return cached;
    const parts: string[] = [];
    const starts: number[] = [];
    const list: Posting[] = [];
    let offset = 0;
    for (const [value, posting] of postings.values) {
      starts.push(offset);
      parts.push(value);
      list.push(posting);
      offset += value.length + SEPARATOR.length;
    }
    const joined = { version: postings.version, text: parts.join(SEPARATOR), starts: Int32Array.from(starts), postings: Int32Array.from(list) };
    this.joined.set(key, joined);
    return joined;
  }
}

function lastStartAtOrBefore(starts: Int32Array, position: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (starts[mid] <= position) low = mid;
    else high = mid - 1;
  }
  return low;
}
