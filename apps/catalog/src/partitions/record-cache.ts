import { LRUCache } from 'lru-cache';
import type { EntityRecord } from '../store/entity-record';

interface Cached {
  record: EntityRecord;
  generation: number;
}

function approximateSize(record: EntityRecord): number {
  // Parsed objects take a few times their JSON size on the heap.
  const processed = record.processed ? JSON.stringify(record.processed).length * 3 : 0;
  const incoming = record.incoming.reduce((n, entry) => n + 120 + entry.relations.length * 90, 0);
  return 600 + processed + record.emitted.length * 150 + incoming;
}

/**
 * Records this member wrote or read, as stored (their publications sent), so a hot entity — a
 * group many components name — is not read back for every batch. Valid only for the group
 * generation it was filled in: after a rebalance another member may have written the ref.
 */
export class RecordCache {
  private readonly cache: LRUCache<string, Cached>;
  private generation = 0;

  constructor(maxBytes: number) {
    this.cache = new LRUCache<string, Cached>({ maxSize: Math.max(1, maxBytes), sizeCalculation: ({ record }) => approximateSize(record) });
  }

  /** A new assignment: forget everything. */
  startGeneration(generation: number): void {
    this.generation = generation;
    this.cache.clear();
  }

  get currentGeneration(): number {
    return this.generation;
  }

  get(ref: string): EntityRecord | undefined {
    const hit = this.cache.get(ref);
    return hit && hit.generation === this.generation ? hit.record : undefined;
  }

  set(records: Iterable<EntityRecord>, generation: number): void {
    if (generation !== this.generation) return;
    for (const record of records) this.cache.set(record.ref, { record, generation });
  }

  forget(refs: Iterable<string>): void {
    for (const ref of refs) this.cache.delete(ref);
  }
}
