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
    for (let i = 0; i < w.length; i++) w[i] &= o[i] ?? 0;
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
    let total = 0;
    for (const word of this.words) {
      // Hamming weight of a 32-bit word.
      let v = word - ((word >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      total += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
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
