/**
 * The entities (by numeric id) that have one search value. Most values (names, uids,
 * titles) belong to one entity, so a posting is a bare number until a second id arrives:
 * at 100,000 entities that saves about a million small Sets.
 */
export type Posting = number | Set<number>;

export function postingAdd(posting: Posting | undefined, id: number): Posting {
  if (posting === undefined) return id;
  if (typeof posting === 'number') return posting === id ? posting : new Set([posting, id]);
  posting.add(id);
  return posting;
}

/** The posting without the id, or undefined when it became empty. */
export function postingRemove(posting: Posting | undefined, id: number): Posting | undefined {
  if (posting === undefined) return undefined;
  if (typeof posting === 'number') return posting === id ? undefined : posting;
  posting.delete(id);
  if (posting.size === 1) return posting.values().next().value as number;
  return posting.size === 0 ? undefined : posting;
}

export function postingSize(posting: Posting | undefined): number {
  if (posting === undefined) return 0;
  return typeof posting === 'number' ? 1 : posting.size;
}

export function postingHas(posting: Posting | undefined, id: number): boolean {
  if (posting === undefined) return false;
  return typeof posting === 'number' ? posting === id : posting.has(id);
}

export function* postingIds(posting: Posting | undefined): Iterable<number> {
  if (posting === undefined) return;
  if (typeof posting === 'number') yield posting;
  else yield* posting;
}
