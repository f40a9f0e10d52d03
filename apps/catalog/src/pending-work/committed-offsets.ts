import type { ConsumedPosition } from '../store/entity-record';

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * How far this member's consumer group has committed, per topic-partition it owns: work written
 * by a batch below that point was published (offsets are committed only after publishing), work
 * at or above it may not have been. Known afresh at every assignment, moved on at every commit.
 */
type Fetch = () => Promise<ReadonlyArray<{ topic: string; partition: number; offset: string }>>;

export class CommittedOffsets {
  constructor(private readonly groupId: string) {}

  private readonly next = new Map<string, bigint>();
  // What this member published itself since the assignment (its offsets not committed yet).
  private readonly publishedUpTo = new Map<string, bigint>();
  private fetch: Fetch = async () => [];
  private loading: Promise<void> = Promise.resolve();

  /** Replaces what is known with what `fetch` reads (the group's committed offsets); batches wait for it. */
  reset(fetch: Fetch): void {
    this.next.clear();
    this.publishedUpTo.clear();
    this.fetch = fetch;
    this.loading = this.load();
    // Awaited by the next batch, which fetches again if this failed.
    this.loading.catch(() => undefined);
  }

  async whenKnown(): Promise<void> {
    try {
      await this.loading;
    } catch {
      this.loading = this.load();
      await this.loading;
    }
  }

  private async load(): Promise<void> {
    for (const { topic, partition, offset } of await this.fetch()) {
      const value = BigInt(offset);
      const key = keyOf(topic, partition);
      if (value >= 0n && (this.next.get(key) ?? -1n) < value) this.next.set(key, value);
    }
  }

  committed(topic: string, partition: number, nextOffset: string): void {
    const key = keyOf(topic, partition);
    const value = BigInt(nextOffset);
    if ((this.next.get(key) ?? -1n) < value) this.next.set(key, value);
  }

  /** This member published what its batch ending at `position` wrote (its commit follows). */
  published(position: ConsumedPosition): void {
    const key = keyOf(position.topic, position.partition);
    const offset = BigInt(position.offset);
    if ((this.publishedUpTo.get(key) ?? -1n) < offset) this.publishedUpTo.set(key, offset);
  }

  /** True when the batch that wrote at `position` is known to be published: committed, or published by this member. */
  isPublished(position: ConsumedPosition): boolean {
    // Written by another consumer group (a rebuild, which finished its work before switching).
    if (position.group !== this.groupId) return true;
    const key = keyOf(position.topic, position.partition);
    const offset = BigInt(position.offset);
    const next = this.next.get(key);
    if (next !== undefined && offset < next) return true;
    const published = this.publishedUpTo.get(key);
    return published !== undefined && offset <= published;
  }
}
