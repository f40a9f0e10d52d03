import { Injectable, Logger } from '@nestjs/common';
import { CatalogOutputPublisher } from '../publishing/catalog-output.publisher';
import { BatchOutboxRepository, OutboxChunkMissingError } from '../store/batch-outbox.repository';
import type { ConsumedPosition } from '../store/entity-record';
import { EntityStoreRepository } from '../store/entity-store.repository';
import { CommittedOffsets } from './committed-offsets';

const keyOf = (position: Pick<ConsumedPosition, 'topic' | 'partition'>) => `${position.topic}\u0000${position.partition}`;

/**
 * Finishes what a crash (or a failed batch) left unpublished, before a topic-partition's next
 * batch: the latest batch in its outbox, if its offsets are not known committed, is published
 * again for every record its write reached (the record's `lastWrite` names that write) — with
 * the change events' ids it recorded. What it decided but never wrote is decided again by the
 * batch's replay.
 */
@Injectable()
export class OutboxRecovery {
  private readonly logger = new Logger(OutboxRecovery.name);
  private readonly checked = new Set<string>();

  constructor(
    private readonly outbox: BatchOutboxRepository,
    private readonly store: EntityStoreRepository,
    private readonly publisher: CatalogOutputPublisher,
  ) {}

  /** A new assignment: every topic-partition is checked again before its first batch. */
  reset(): void {
    this.checked.clear();
  }

  /** A batch failed: its own writes may be unpublished, so the next attempt checks first. */
  uncertain(position: Pick<ConsumedPosition, 'topic' | 'partition'>): void {
    this.checked.delete(keyOf(position));
  }

  /** Publishes the unfinished batch of the topic-partition, if there is one; returns how many records it published for. */
  async ensure(position: Pick<ConsumedPosition, 'group' | 'topic' | 'partition'>, committed: CommittedOffsets): Promise<number> {
    const key = keyOf(position);
    if (this.checked.has(key)) return 0;
    let latest;
    try {
      latest = await this.outbox.latest(position);
    } catch (err) {
      if (!(err instanceof OutboxChunkMissingError)) throw err;
      this.logger.error({ msg: 'an unfinished batch cannot be published again: its outbox is gone; the state it wrote stands, its change events are lost', ...position, err: err.message });
      this.checked.add(key);
      return 0;
    }
    if (!latest || committed.isPublished(latest.position)) {
      this.checked.add(key);
      return 0;
    }
    const records = await this.store.load([...new Set(latest.publications.map((p) => p.ref))]);
    const due = latest.publications.filter((p) => records.get(p.ref)?.lastWrite === p.writeId).map((publication) => ({ record: records.get(publication.ref)!, publication }));
    await this.publisher.publish(due, []);
    // Not marked published by offset: another attempt at the same batch (the same offsets) may
    // write and fail again, and what it wrote must be found unpublished then. `checked` spares
    // the next batches the check; publishing again after a later failure only repeats ids.
    this.checked.add(key);
    if (due.length > 0) this.logger.warn({ msg: 'published what an unfinished batch had written', ...position, offset: latest.position.offset, records: due.length });
    return due.length;
  }
}
