import { buildSearchPairs, Entity, entityRefOf, SearchPair } from '@callboard/entity-model';
import { IdBitmap } from './id-bitmap';
import { LocationRegistry, originLocationOf } from './location-registry';
import { Posting, PostingStore } from './posting';

// Postings at least this large are kept as bitmaps between queries.
const LARGE_POSTING = 512;

/**
 * One served entity as the index keeps it: its JSON text, as UTF-8 bytes, is what the API
 * sends. Bytes rather than a string: they live outside the V8 heap, so 100,000 entities' JSON
 * (~170 MB) is neither marked nor moved by the garbage collector, and responses are assembled
 * by copying bytes instead of concatenating strings.
 */
export class IndexedEntity {
  constructor(
    readonly id: number,
    /** Lowercased entity ref. */
    readonly ref: string,
    readonly uid: string,
    readonly etag: string,
    readonly text: Buffer,
  ) {}

  /** The JSON text as a string (decoded on each call: for the less frequent paths). */
  get json(): string {
    return this.text.toString('utf8');
  }
}

/** The search rows of one key (Backstage's `search` table, grouped by key). */
export interface KeyPostings {
  /** Every entity with a row for the key, whatever its value: what a bare `key` filter matches. */
  holders: Posting | undefined;
  /** Lowercased value → entities (null values are only holders). */
  values: Map<string, Posting>;
  /**
   * Values some entity wrote in another case than lowercase: facets report values as written
   * (Backstage's `original_value`), filters compare them lowercased. A string when every
   * holder wrote the same spelling (the common case: one title, one entity), else spelling →
   * entities. Undefined while every value of the key is lowercase (most keys).
   */
  originals: Map<string, string | Map<string, Posting>> | undefined;
  /** Bumped on every change of this key's rows, so derived orderings know they are stale. */
  version: number;
}

/**
 * The served catalog held in memory, indexed by search rows exactly as Backstage's `search`
 * table indexes it (buildEntitySearch rules). Pure data structure: the query service loads it
 * from the entities collection and keeps it current from catalog change events.
 */
export class CatalogIndex {
  private readonly byRef = new Map<string, number>();
  private readonly byUid = new Map<string, number>();
  private readonly slots: Array<IndexedEntity | undefined> = [];
  private readonly freeIds: number[] = [];
  private readonly keyPostings = new Map<string, KeyPostings>();
  /** The id lists of values shared by several entities; postings in KeyPostings point into it. */
  readonly postings = new PostingStore();
  /** The catalog files the served entities come from (`/locations`). */
  readonly locations = new LocationRegistry();
  private liveIds = new IdBitmap(1024);
  /** Bitmaps of large postings (`kind=component`), reused until their key changes. */
  private readonly valueBitmaps = new Map<string, { version: number; bitmap: IdBitmap }>();
  /** Bumped on every change: caches of query results compare against it. */
  private changeCount = 0;

  get size(): number {
    return this.byRef.size;
  }

  get version(): number {
    return this.changeCount;
  }

  /** Upper bound (exclusive) of ids in use; bitmaps over the index are this wide. */
  get capacity(): number {
    return this.slots.length;
  }

  /** Adds or replaces the entity with the same ref. `json` must be the entity's JSON text. */
  upsert(entity: Entity, json: string = JSON.stringify(entity)): void {
    const ref = entityRefOf(entity);
    const uid = entity.metadata.uid ?? '';
    const existingId = this.byRef.get(ref);
    const id = existingId ?? this.allocateId();
    const previous = this.slots[id];
    const rows = buildSearchPairs(entity);
    if (previous) {
      // Only the rows that changed: a shared posting (every entity's `kind`, `metadata.name`)
      // is a sorted list of up to every id, so removing and re-adding all of an entity's rows
      // moved ~100,000 ids per key at 100,000 entities, about a millisecond per update.
      const before = JSON.parse(previous.json) as Entity;
      const kept = new Set(rows.map(rowKey));
      const had = new Set<string>();
      for (const row of buildSearchPairs(before)) {
        const key = rowKey(row);
        had.add(key);
        if (!kept.has(key)) this.removeRow(id, row);
      }
      for (const row of rows) if (!had.has(rowKey(row))) this.addRow(id, row);
      this.releaseOrigin(before);
      if (previous.uid !== uid) this.byUid.delete(previous.uid);
    } else {
      for (const row of rows) this.addRow(id, row);
    }
    this.slots[id] = new IndexedEntity(id, ref, uid, entity.metadata.etag ?? '', Buffer.from(json, 'utf8'));
    this.byRef.set(ref, id);
    if (uid) this.byUid.set(uid, id);
    this.liveIds.add(id);
    const origin = originLocationOf(entity);
    if (origin) this.locations.add(origin.type, origin.target);
    this.changeCount++;
  }

  /** Removes the entity with this (lowercased) ref; false when it was not there. */
  remove(ref: string): boolean {
    const id = this.byRef.get(ref);
    if (id === undefined) return false;
    this.removeRows(id);
    const slot = this.slots[id]!;
    this.byRef.delete(ref);
    if (this.byUid.get(slot.uid) === id) this.byUid.delete(slot.uid);
    this.slots[id] = undefined;
    this.liveIds.delete(id);
    this.freeIds.push(id);
    this.changeCount++;
    return true;
  }

  getByRef(ref: string): IndexedEntity | undefined {
    const id = this.byRef.get(ref);
    return id === undefined ? undefined : this.slots[id];
  }

  getByUid(uid: string): IndexedEntity | undefined {
    const id = this.byUid.get(uid);
    return id === undefined ? undefined : this.slots[id];
  }

  get(id: number): IndexedEntity | undefined {
    return this.slots[id];
  }

  /** A copy of the set of live ids. */
  all(): IdBitmap {
    return this.widen(this.liveIds).clone();
  }

  key(key: string): KeyPostings | undefined {
    return this.keyPostings.get(key);
  }

  /** The ids of a posting as a bitmap over the whole index. */
  bitmapOf(posting: Posting | undefined): IdBitmap {
    return this.postings.addTo(new IdBitmap(this.capacity), posting);
  }

  /**
   * The entities with a row `key=value` (both lowercased). Shared and cached for large
   * postings: callers must not modify it.
   */
  valueBitmap(key: string, value: string): IdBitmap {
    const postings = this.keyPostings.get(key);
    const posting = postings?.values.get(value);
    if (!postings || this.postings.size(posting) < LARGE_POSTING) return this.bitmapOf(posting);
    return this.cachedBitmap(`${key}\u0000${value}`, postings.version, posting);
  }

  /** The entities with any row for the key (`$exists`); shared and cached like valueBitmap. */
  holdersBitmap(key: string): IdBitmap {
    const postings = this.keyPostings.get(key);
    if (!postings || this.postings.size(postings.holders) < LARGE_POSTING) return this.bitmapOf(postings?.holders);
    return this.cachedBitmap(`${key}\u0001`, postings.version, postings.holders);
  }

  private cachedBitmap(cacheKey: string, version: number, posting: Posting | undefined): IdBitmap {
    const cached = this.valueBitmaps.get(cacheKey);
    if (cached && cached.version === version && cached.bitmap.capacity >= this.capacity) return cached.bitmap;
    const bitmap = this.bitmapOf(posting);
    this.valueBitmaps.set(cacheKey, { version, bitmap });
    return bitmap;
  }

  private widen(bitmap: IdBitmap): IdBitmap {
    if (bitmap.capacity >= this.capacity) return bitmap;
    const wider = new IdBitmap(Math.max(this.capacity, bitmap.capacity * 2));
    wider.or(bitmap);
    return wider;
  }

  private allocateId(): number {
    const id = this.freeIds.pop() ?? this.slots.length;
    if (id === this.slots.length) this.slots.push(undefined);
    if (id >= this.liveIds.capacity) this.liveIds = this.widen(this.liveIds);
    return id;
  }

  private addRow(id: number, { k, v, o }: SearchPair): void {
    const store = this.postings;
    let postings = this.keyPostings.get(k);
    if (!postings) {
      postings = { holders: undefined, values: new Map(), originals: undefined, version: 0 };
      this.keyPostings.set(k, postings);
    }
    postings.version++;
    postings.holders = store.add(postings.holders, id);
    if (v === null || o === null) return;
    const before = postings.values.get(v);
    const spelled = postings.originals?.get(v);
    if (before === undefined) {
      if (o !== v) (postings.originals ??= new Map()).set(v, o);
    } else if (spelled instanceof Map) {
      spelled.set(o, store.add(spelled.get(o), id));
    } else if ((spelled ?? v) !== o) {
      // A second spelling: from now on each spelling keeps its own entities.
      (postings.originals ??= new Map()).set(v, new Map<string, Posting>([[spelled ?? v, store.copy(before)], [o, id]]));
    }
    postings.values.set(v, store.add(before, id));
  }

  private removeRows(id: number): void {
    const slot = this.slots[id];
    if (!slot) return;
    const entity = JSON.parse(slot.json) as Entity;
    this.releaseOrigin(entity);
    for (const row of buildSearchPairs(entity)) this.removeRow(id, row);
  }

  private releaseOrigin(entity: Entity): void {
    const origin = originLocationOf(entity);
    if (origin) this.locations.release(origin.type, origin.target);
  }

  private removeRow(id: number, { k, v, o }: SearchPair): void {
    const store = this.postings;
    const postings = this.keyPostings.get(k);
    if (!postings) return;
    postings.version++;
    postings.holders = store.remove(postings.holders, id);
    if (v !== null && o !== null) {
      const remaining = store.remove(postings.values.get(v), id);
      if (remaining === undefined) postings.values.delete(v);
      else postings.values.set(v, remaining);
      const spelled = postings.originals?.get(v);
      if (remaining === undefined) {
        if (spelled instanceof Map) for (const variant of spelled.values()) store.release(variant);
        postings.originals?.delete(v);
      } else if (spelled instanceof Map) {
        const left = store.remove(spelled.get(o), id);
        if (left === undefined) spelled.delete(o);
        else spelled.set(o, left);
        if (spelled.size === 1) {
          const [[only, last]] = spelled;
          store.release(last);
          if (only === v) postings.originals!.delete(v);
          else postings.originals!.set(v, only);
        }
      }
      if (postings.originals?.size === 0) postings.originals = undefined;
    }
    if (postings.holders === undefined) this.keyPostings.delete(k);
  }
}

function rowKey({ k, v, o }: SearchPair): string {
  return v === null ? `${k}\u0000` : `${k}\u0000${v}\u0000${o}`;
}
