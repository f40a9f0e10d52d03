import type { IdBitmap } from './id-bitmap';

/**
 * The entities (by numeric id) that have one search value, as a plain number: an id ≥ 0 when
 * one entity has the value (most names, uids and titles), else the bitwise complement of a
 * list's slot in a PostingStore. At 100,000 entities the index holds over a million values and
 * a quarter of a million shared ones; as numbers in Maps and lists in one Int32Array they cost
 * the garbage collector nothing to trace, where a Set per value was a million heap objects.
 */
export type Posting = number;

const INITIAL_SLOTS = 1024;
const INITIAL_DATA = 1 << 16;

/**
 * The lists of shared postings, each a sorted run of ids in one arena. A list that outgrows
 * its run moves to the arena's end; the runs left behind are reclaimed by compacting once they
 * are half of what the arena uses. Slots (what a Posting names) never move, so Maps holding postings stay
 * valid across growth and compaction.
 */
export class PostingStore {
  private data = new Int32Array(INITIAL_DATA);
  private end = 0;
  private garbage = 0;
  private starts = new Int32Array(INITIAL_SLOTS);
  private lengths = new Int32Array(INITIAL_SLOTS);
  private capacities = new Int32Array(INITIAL_SLOTS);
  private slotCount = 0;
  private readonly freeSlots: number[] = [];

  /** The posting with the id added (the same posting when it was there). */
  add(posting: Posting | undefined, id: number): Posting {
    if (posting === undefined) return id;
    if (posting >= 0) {
      if (posting === id) return posting;
      const slot = this.allocate(2);
      const start = this.starts[slot];
      this.data[start] = Math.min(posting, id);
      this.data[start + 1] = Math.max(posting, id);
      this.lengths[slot] = 2;
      return ~slot;
    }
    const slot = ~posting;
    const length = this.lengths[slot];
    let start = this.starts[slot];
    // Ids mostly arrive in increasing order (a load allocates them so): append without a search.
    let at = length > 0 && this.data[start + length - 1] < id ? length : this.search(start, length, id);
    if (at < length && this.data[start + at] === id) return posting;
    if (length === this.capacities[slot]) start = this.grow(slot);
    if (at < length) this.data.copyWithin(start + at + 1, start + at, start + length);
    this.data[start + at] = id;
    this.lengths[slot] = length + 1;
    return posting;
  }

  /** The posting without the id, or undefined when it became empty. */
  remove(posting: Posting | undefined, id: number): Posting | undefined {
    if (posting === undefined) return undefined;
    if (posting >= 0) return posting === id ? undefined : posting;
    const slot = ~posting;
    const start = this.starts[slot];
    const length = this.lengths[slot];
    const at = this.search(start, length, id);
    if (at === length || this.data[start + at] !== id) return posting;
    this.data.copyWithin(start + at, start + at + 1, start + length);
    this.lengths[slot] = length - 1;
    if (length - 1 > 1) return posting;
    const only = this.data[start];
    this.release(posting);
    return only;
  }

  /** A separate posting with the same ids. */
  copy(posting: Posting): Posting {
    if (posting >= 0) return posting;
    const from = ~posting;
    const length = this.lengths[from];
    const slot = this.allocate(length);
    // allocate() may have moved the arena: read the source's start only now.
    this.data.copyWithin(this.starts[slot], this.starts[from], this.starts[from] + length);
    this.lengths[slot] = length;
    return ~slot;
  }

  size(posting: Posting | undefined): number {
    if (posting === undefined) return 0;
    return posting >= 0 ? 1 : this.lengths[~posting];
  }

  has(posting: Posting | undefined, id: number): boolean {
    if (posting === undefined) return false;
    if (posting >= 0) return posting === id;
    const start = this.starts[~posting];
    const length = this.lengths[~posting];
    const at = this.search(start, length, id);
    return at < length && this.data[start + at] === id;
  }

  /** Adds the posting's ids to the bitmap; a plain loop, as it runs once per matching value. */
  addTo(bitmap: IdBitmap, posting: Posting | undefined): IdBitmap {
    if (posting === undefined) return bitmap;
    if (posting >= 0) {
      bitmap.add(posting);
      return bitmap;
    }
    const data = this.data;
    const start = this.starts[~posting];
    const end = start + this.lengths[~posting];
    const words = bitmap.words;
    for (let i = start; i < end; i++) {
      const id = data[i];
      words[id >>> 5] |= 1 << (id & 31);
    }
    return bitmap;
  }

  /** How many of the posting's ids the bitmap holds. */
  countIn(posting: Posting, bitmap: IdBitmap): number {
    if (posting >= 0) return bitmap.has(posting) ? 1 : 0;
    const data = this.data;
    const start = this.starts[~posting];
    const end = start + this.lengths[~posting];
    const words = bitmap.words;
    let count = 0;
    for (let i = start; i < end; i++) {
      const id = data[i];
      if ((words[id >>> 5] & (1 << (id & 31))) !== 0) count++;
    }
    return count;
  }

  /** The posting's ids in increasing order (a copy: the arena moves). */
  ids(posting: Posting | undefined): Int32Array {
    if (posting === undefined) return new Int32Array(0);
    if (posting >= 0) return Int32Array.of(posting);
    const start = this.starts[~posting];
    return this.data.slice(start, start + this.lengths[~posting]);
  }

  /** Frees a posting that is no longer referenced. */
  release(posting: Posting | undefined): void {
    if (posting === undefined || posting >= 0) return;
    const slot = ~posting;
    this.garbage += this.capacities[slot];
    this.lengths[slot] = 0;
    this.capacities[slot] = 0;
    this.freeSlots.push(slot);
  }

  /** Int32 cells the arena holds, live or not (for memory reports). */
  get arenaSize(): number {
    return this.data.length;
  }

  /** First position in the run whose id is not below `id`. */
  private search(start: number, length: number, id: number): number {
    const data = this.data;
    let low = 0;
    let high = length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (data[start + mid] < id) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private allocate(capacity: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotCount++;
      if (slot === this.starts.length) {
        this.starts = resized(this.starts, slot * 2);
        this.lengths = resized(this.lengths, slot * 2);
        this.capacities = resized(this.capacities, slot * 2);
      }
    }
    this.lengths[slot] = 0;
    this.capacities[slot] = capacity;
    this.starts[slot] = this.reserve(capacity, slot);
    return slot;
  }

  /** Moves a full run to the arena's end with twice the room; returns its new start. */
  private grow(slot: number): number {
    const length = this.lengths[slot];
    const capacity = length < 4 ? 4 : length * 2;
    this.capacities[slot] = 0;
    const start = this.reserve(capacity, slot);
    this.data.copyWithin(start, this.starts[slot], this.starts[slot] + length);
    // The cells it leaves (compacted to exactly its ids if reserve() compacted).
    this.garbage += length;
    this.starts[slot] = start;
    this.capacities[slot] = capacity;
    return start;
  }

  /**
   * Room for `capacity` ids at the arena's end, compacting or enlarging the arena first when
   * needed. `slot` is the run being placed: a compaction keeps only its ids (none for a new one).
   */
  private reserve(capacity: number, slot: number): number {
    if (this.garbage * 2 >= this.end && this.end >= INITIAL_DATA) this.compact(slot, capacity);
    if (this.end + capacity > this.data.length) {
      let size = this.data.length * 2;
      while (size < this.end + capacity) size *= 2;
      this.data = resized(this.data, size);
    }
    const start = this.end;
    this.end += capacity;
    return start;
  }

  /** Drops the runs lists left behind, into an arena half again as large as what is kept. */
  private compact(moving: number, room: number): void {
    let kept = room;
    for (let slot = 0; slot < this.slotCount; slot++) kept += slot === moving ? this.lengths[slot] : this.capacities[slot];
    const next = new Int32Array(Math.max(INITIAL_DATA, Math.ceil(kept * 1.5)));
    let end = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      // The run being placed keeps only its ids: it gets its new room right after.
      const keep = slot === moving ? this.lengths[slot] : this.capacities[slot];
      if (keep === 0) continue;
      next.set(this.data.subarray(this.starts[slot], this.starts[slot] + this.lengths[slot]), end);
      this.starts[slot] = end;
      end += keep;
    }
    this.data = next;
    this.end = end;
    this.garbage = 0;
  }
}

function resized(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(array.subarray(0, Math.min(array.length, size)));
  return next;
}
