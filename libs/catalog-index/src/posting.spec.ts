import { IdBitmap } from './id-bitmap';
import { Posting, PostingStore } from './posting';

/** A small deterministic generator, so a failing sequence can be replayed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('PostingStore', () => {
  it('keeps one id as the posting itself and lists of several ids sorted', () => {
    const store = new PostingStore();
    let posting: Posting | undefined = store.add(undefined, 7);
    expect(posting).toBe(7);
    posting = store.add(posting, 3);
    posting = store.add(posting, 11);
    posting = store.add(posting, 3);
    expect(posting).toBeLessThan(0);
    expect([...store.ids(posting)]).toEqual([3, 7, 11]);
    expect(store.has(posting, 11)).toBe(true);
    expect(store.has(posting, 4)).toBe(false);
    posting = store.remove(posting, 3);
    posting = store.remove(posting, 11);
    expect(posting).toBe(7);
    expect(store.remove(posting, 7)).toBeUndefined();
  });

  it('copies a list so that each copy changes on its own', () => {
    const store = new PostingStore();
    let a: Posting = [1, 2, 3].reduce<Posting | undefined>((p, id) => store.add(p, id), undefined)!;
    let b = store.copy(a);
    a = store.add(a, 4);
    b = store.remove(b, 1)!;
    expect([...store.ids(a)]).toEqual([1, 2, 3, 4]);
    expect([...store.ids(b)]).toEqual([2, 3]);
  });

  it('adds to and counts in bitmaps', () => {
    const store = new PostingStore();
    const posting = [5, 40, 99].reduce<Posting | undefined>((p, id) => store.add(p, id), undefined)!;
    const bitmap = store.addTo(new IdBitmap(128), posting);
    expect([...bitmap.ids()]).toEqual([5, 40, 99]);
    expect(store.countIn(posting, IdBitmap.of(128, [40, 99, 100]))).toBe(2);
    expect(store.countIn(5, IdBitmap.of(128, [5]))).toBe(1);
  });

  it('agrees with Sets through growth, release and compaction of many lists', () => {
    const random = lcg(42);
    const store = new PostingStore();
    const postings: Array<Posting | undefined> = Array.from({ length: 300 }, () => undefined);
    const expected = postings.map(() => new Set<number>());
    for (let step = 0; step < 200_000; step++) {
      const list = Math.floor(random() * postings.length);
      const id = Math.floor(random() * (list % 3 === 0 ? 5000 : 60));
      const roll = random();
      if (roll < 0.6) {
        postings[list] = store.add(postings[list], id);
        expected[list].add(id);
      } else if (roll < 0.98) {
        postings[list] = store.remove(postings[list], id);
        expected[list].delete(id);
      } else {
        // Drop the whole list, as the index does when a value's last entity goes.
        store.release(postings[list]);
        postings[list] = undefined;
        expected[list].clear();
      }
      if (step % 997 === 0) {
        for (let i = 0; i < postings.length; i++) {
          expect([...store.ids(postings[i])]).toEqual([...expected[i]].sort((x, y) => x - y));
        }
      }
    }
    for (let i = 0; i < postings.length; i++) {
      expect(store.size(postings[i])).toBe(expected[i].size);
      expect([...store.ids(postings[i])]).toEqual([...expected[i]].sort((x, y) => x - y));
    }
  });
});
