/**
 * A set of entity ids as a bitmap. Filters combine sets of tens of thousands of ids; AND/OR
 * over 100,000 ids is ~3,000 word operations this way, instead of a hash lookup per id.
 */
export class IdBitmap {
  readonly words: Uint32Array;

  constructor(readonly capacity: number, words?: Uint32Array) {
    this.words = words ?? new Uint32Array((capacity + 31) >>> 5);
  }

  static of(capacity: number, ids: Iterable<number>): IdBitmap {
    const bitmap = new IdBitmap(capacity);
    for (const id of ids) bitmap.add(id);
    return bitmap;
  }

  clone(): IdBitmap {
    return new IdBitmap(this.capacity, this.words.slice());
  }

  add(id: number): void {
    this.words[id >>> 5] |= 1 << (id & 31);
  }

  delete(id: number): void {
    this.words[id >>> 5] &= ~(1 << (id & 31));
  }

  has(id: number): boolean {
    return (this.words[id >>> 5] & (1 << (id & 31))) !== 0;
  }

  /** In place: keeps the ids also in `other`. */
  and(other: IdBitmap): this {
    const w = this.words;
    const o = other.words;
    // Plain indexed loops over the typed arrays: a `?? 0` on an element (or a for-of over the
    // words) made V8 box words above 2^30 as heap numbers, ~50 KB of garbage per call at 100k ids.
    const shared = Math.min(w.length, o.length);
    for (let i = 0; i < shared; i++) w[i] &= o[i];
    w.fill(0, shared);
    return this;
  }

  /** In place: adds the ids of `other`. */
  or(other: IdBitmap): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < Math.min(w.length, o.length); i++) w[i] |= o[i];
    return this;
  }

  /** In place: drops the ids in `other`. */
  andNot(other: IdBitmap): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < Math.min(w.length, o.length); i++) w[i] &= ~o[i];
    return this;
  }

  count(): number {
    const w = this.words;
    let total = 0;
    for (let i = 0; i < w.length; i++) {
      // Hamming weight of a 32-bit word, kept in int32 arithmetic.
      let v = w[i] | 0;
      v = (v - ((v >>> 1) & 0x55555555)) | 0;
      v = ((v & 0x33333333) + ((v >>> 2) & 0x33333333)) | 0;
      total += (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
    }
    return total;
  }

  *ids(): Iterable<number> {
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let word = w[i];
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield (i << 5) + bit;
        word &= word - 1;
      }
    }
  }
}
