import type { CatalogIndex } from './catalog-index';
import { IdBitmap } from './id-bitmap';

/**
 * The non-null search rows of one key, ordered by (value, uid) in code-point order: what
 * Backstage's ORDER BY over the search table yields (on SQLite). An entity with several values
 * (tags) has several rows, as there.
 */
export interface SortedRows {
  values: string[];
  ids: Int32Array;
  uids: string[];
  /** The entities with at least one row. */
  holders: IdBitmap;
}

export function compareRows(aValue: string, aUid: string, bValue: string, bUid: string): number {
  if (aValue !== bValue) return aValue < bValue ? -1 : 1;
  if (aUid !== bUid) return aUid < bUid ? -1 : 1;
  return 0;
}

/** First position whose row is not before (value, uid). */
export function lowerBound(rows: SortedRows, value: string, uid: string): number {
  let low = 0;
  let high = rows.ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareRows(rows.values[mid], rows.uids[mid], value, uid) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First position whose row is after (value, uid). */
export function upperBound(rows: SortedRows, value: string, uid: string): number {
  let low = 0;
  let high = rows.ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareRows(rows.values[mid], rows.uids[mid], value, uid) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Sorted rows per key, rebuilt only when the key's rows changed: sorting 100,000 rows takes
 * tens of milliseconds, far too slow per request, but a catalog's sort keys change rarely.
 */
export class SortedRowsCache {
  private readonly cache = new Map<string, { version: number; capacity: number; rows: SortedRows }>();

  constructor(private readonly index: CatalogIndex) {}

  rows(key: string): SortedRows {
    const postings = this.index.key(key);
    const version = postings?.version ?? -1;
    const cached = this.cache.get(key);
    if (cached && cached.version === version && cached.capacity === this.index.capacity) return cached.rows;
    const rows = this.build(key);
    this.cache.set(key, { version, capacity: this.index.capacity, rows });
    return rows;
  }

  private build(key: string): SortedRows {
    const entries: Array<{ value: string; id: number; uid: string }> = [];
    const holders = new IdBitmap(this.index.capacity);
    for (const [value, posting] of this.index.key(key)?.values ?? []) {
      for (const id of this.index.postings.ids(posting)) {
        entries.push({ value, id, uid: this.index.get(id)!.uid });
        holders.add(id);
      }
    }
    entries.sort((a, b) => compareRows(a.value, a.uid, b.value, b.uid));
    return {
      values: entries.map((e) => e.value),
      ids: Int32Array.from(entries, (e) => e.id),
      uids: entries.map((e) => e.uid),
      holders,
    };
  }
}
