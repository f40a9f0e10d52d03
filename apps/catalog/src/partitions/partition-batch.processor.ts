import { Inject, Injectable, Logger } from '@nestjs/common';
import { Mutex } from 'async-mutex';
import { randomBytes } from 'node:crypto';
import { decodeContract, EntityEventV1, entityEventV1Schema, EntityStatusV1, entityStatusV1Schema, RelationUpdateV1, relationUpdateV1Schema } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import { BatchContext, deadLetterRecord, OutgoingRecord, PartitionBatch, RawMessage } from '@callboard/kafka';
import type { CatalogConfig } from '../catalog.config';
import { CommittedOffsets } from '../pending-work/committed-offsets';
import { OutboxRecovery } from '../pending-work/outbox-recovery';
import { EntityEventProcessor, ProjectionOutcome } from '../processing/entity-event.processor';
import { applyEntityStatus } from '../processing/entity-status.processor';
import { applyRelationUpdates } from '../processing/relation-update.processor';
import { buildChangeEvent, ChangeCause } from '../publishing/change-event.factory';
import { CatalogOutputPublisher, RecordPublication } from '../publishing/catalog-output.publisher';
import { CATALOG_TOPICS, CatalogTopics } from '../publishing/catalog-topics';
import { ConflictChange, EntityConflictsRepository } from '../store/entity-conflicts.repository';
import { BatchOutboxRepository } from '../store/batch-outbox.repository';
import { ConsumedPosition, EntityRecord, Publication, unknownRecord } from '../store/entity-record';
import { EntityStoreRepository } from '../store/entity-store.repository';
import { retryOnConflict } from '../store/retry-on-conflict';
import { UidSource } from '../store/uid-source';
import { relationUpdatesFor } from '../stitching/relation-fan-out';
import { rememberServed, Served, servedOf } from '../stitching/served-entity';
import { BATCH_HOOKS, BatchHooks } from './batch-hooks';
import { RecordCache } from './record-cache';

// Unknown refs up to this many are read first; more (a bulk load) are assumed new and inserted,
// reading only those that turn out to exist. On FerretDB a read costs about what an insert does.
const READ_FIRST_LIMIT = 32;

interface RefWork {
  entityEvents: Array<{ event: EntityEventV1; key: string | null; message: RawMessage }>;
  relationUpdates: RelationUpdateV1[];
  statuses: EntityStatusV1[];
}

interface RefResult {
  before: EntityRecord;
  after: EntityRecord;
  changed: boolean;
  /** What the record's write publishes (none when nothing served or related changed). */
  publication: Publication | null;
  conflicts: ConflictChange[];
  rejected: Array<{ message: RawMessage; reason: string }>;
  outcomes: ProjectionOutcome[];
}

export interface BatchSummary {
  /** ms spent reading records, deciding, writing and publishing. */
  readMs: number;
  decideMs: number;
  writeMs: number;
  publishMs: number;
  refs: number;
  written: number;
  changes: number;
  relationUpdates: number;
  rejected: number;
  resent: number;
}

/** Names one attempt at writing a batch: a record written by it carries it as `lastWrite`. */
function writeIdOf(position: ConsumedPosition): string {
  return `${position.group}|${position.topic}|${position.partition}|${position.offset}#${randomBytes(4).toString('hex')}`;
}

function describe(message: RawMessage) {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    value: message.value ? message.value.toString('utf8') : null,
    ...(Object.keys(message.headers).length ? { headers: message.headers } : {}),
  };
}

/**
 * The catalog's work on one batch of one partition it owns, entity events or relation updates:
 * coalesce by ref, read what is not in memory (by `_id`), process and stitch in memory, record
 * what the batch will publish (the batch outbox), write every changed record in bulk, publish
 * it all in one send, and only then let the offsets be committed. The owner of a partition number is the single
 * writer of its refs' documents, so nothing here needs an atomic update; batches of one
 * partition number (of either topic) run one at a time.
 */
@Injectable()
export class PartitionBatchProcessor {
  private readonly logger = new Logger(PartitionBatchProcessor.name);
  private readonly locks = new Map<number, Mutex>();
  private readonly lastRelationsBatch = new Map<number, number>();
  readonly committed: CommittedOffsets;
  private readonly cache: RecordCache;

  constructor(
    private readonly store: EntityStoreRepository,
    private readonly conflicts: EntityConflictsRepository,
    private readonly events: EntityEventProcessor,
    private readonly output: CatalogOutputPublisher,
    private readonly uids: UidSource,
    private readonly outbox: BatchOutboxRepository,
    private readonly recovery: OutboxRecovery,
    @Inject(CATALOG_TOPICS) private readonly topics: CatalogTopics,
    @Inject(BATCH_HOOKS) private readonly hooks: BatchHooks,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {
    this.cache = new RecordCache(config.CATALOG_CACHE_MB * 1024 * 1024);
    this.committed = new CommittedOffsets(this.groupId);
  }

  private get groupId(): string {
    return `${this.config.KAFKA_TOPIC_PREFIX}${this.config.CATALOG_CONSUMER_GROUP}`;
  }

  /** A (re)join of the consumer group: nothing in memory is trusted, and the committed offsets are read again. */
  assigned(generation: number, fetchCommitted: Parameters<CommittedOffsets['reset']>[0]): void {
    this.cache.startGeneration(generation);
    this.committed.reset(fetchCommitted);
    this.recovery.reset();
  }

  async process(batch: PartitionBatch, context: BatchContext): Promise<BatchSummary> {
    if (batch.topic === this.topics.relations) await this.linger(batch.partition, context);
    let lock = this.locks.get(batch.partition);
    if (!lock) this.locks.set(batch.partition, (lock = new Mutex()));
    return lock.runExclusive(async () => {
      await this.committed.whenKnown();
      const at = { group: this.groupId, topic: batch.topic, partition: batch.partition };
      let resent = await this.recovery.ensure(at, this.committed);
      const generation = this.cache.currentGeneration;
      const { work, deadLetters } = this.decode(batch);
      const position: ConsumedPosition = { group: this.groupId, topic: batch.topic, partition: batch.partition, offset: batch.messages[batch.messages.length - 1].offset };
      const started = Date.now();
      // A failed attempt may have written some records before failing: what this member holds
      // of the batch's refs is then older than what is stored, and is read again.
      const forgetBatch = () => this.cache.forget(work.keys());
      let summary: BatchSummary;
      try {
        let attempt = 0;
        summary = await retryOnConflict(
          async () => {
            // What a conflicting attempt wrote before the conflict is stored with its changes applied,
            // so deciding again finds nothing to publish for it: it is published from the outbox first.
            if (attempt++ > 0) resent += await this.recovery.ensure(at, this.committed);
            return this.run(work, deadLetters, position, generation, context);
          },
          {
            beforeRetry: (err) => {
              this.logger.warn({ msg: 'entity documents changed under this consumer; deciding again', refs: err.refs.length, partition: batch.partition });
              forgetBatch();
              this.recovery.uncertain(batch);
            },
          },
        );
      } catch (err) {
        forgetBatch();
        this.recovery.uncertain(batch);
        throw err;
      }
      summary.resent = resent;
      if (summary.written > 0 || summary.rejected > 0 || summary.resent > 0) {
        this.logger.log({ msg: 'batch projected', topic: batch.topic, partition: batch.partition, messages: batch.messages.length, ...summary, ms: Date.now() - started });
      }
      return summary;
    });
  }

  /**
   * Relation updates of a partition are applied at most every CATALOG_RELATIONS_LINGER_MS: what
   * arrives meanwhile comes in the next batch, so a hot entity (a group hundreds of components
   * name) is rewritten and re-announced once per interval, not once per origin. Waited before
   * the partition's lock is taken, so its entity events go on meanwhile.
   */
  private async linger(partition: number, context: BatchContext): Promise<void> {
    const due = (this.lastRelationsBatch.get(partition) ?? 0) + this.config.CATALOG_RELATIONS_LINGER_MS;
    for (let wait = due - Date.now(); wait > 0; wait = due - Date.now()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1000)));
      await context.heartbeat();
    }
    this.lastRelationsBatch.set(partition, Date.now());
  }

  private decode(batch: PartitionBatch): { work: Map<string, RefWork>; deadLetters: OutgoingRecord[] } {
    const work = new Map<string, RefWork>();
    const deadLetters: OutgoingRecord[] = [];
    const forRef = (ref: string) => {
      let entry = work.get(ref);
      if (!entry) work.set(ref, (entry = { entityEvents: [], relationUpdates: [], statuses: [] }));
      return entry;
    };
    const isRelations = batch.topic === this.topics.relations;
    const isStatus = batch.topic === this.topics.entityStatus;
    const deadLetterTopic = isRelations ? this.topics.relationsDeadLetters : isStatus ? this.topics.entityStatusDeadLetters : this.topics.entityEventsDeadLetters;
    for (const message of batch.messages) {
      if (isStatus) {
        // A tombstone of the compacted topic: nothing to apply (a status is cleared by an empty list).
        if (message.value === null) continue;
        const decoded = decodeContract(entityStatusV1Schema, message.value);
        if (!decoded.ok) deadLetters.push(deadLetterRecord(deadLetterTopic, { reason: `contract violation: ${decoded.error}`, stage: 'catalog.entity-status', original: describe(message) }));
        else if (decoded.value.entityRef !== message.key) deadLetters.push(deadLetterRecord(deadLetterTopic, { reason: `message key ${JSON.stringify(message.key)} does not match the status's entityRef ${decoded.value.entityRef}`, stage: 'catalog.entity-status', original: describe(message) }));
        else forRef(decoded.value.entityRef).statuses.push(decoded.value);
      } else if (isRelations) {
        const decoded = decodeContract(relationUpdateV1Schema, message.value);
        if (!decoded.ok) deadLetters.push(deadLetterRecord(deadLetterTopic, { reason: `contract violation: ${decoded.error}`, stage: 'catalog.relations', original: describe(message) }));
        else if (decoded.value.subject !== message.key) deadLetters.push(deadLetterRecord(deadLetterTopic, { reason: `message key ${JSON.stringify(message.key)} does not match the update's subject ${decoded.value.subject}`, stage: 'catalog.relations', original: describe(message) }));
        else forRef(decoded.value.subject).relationUpdates.push(decoded.value);
      } else {
        const decoded = decodeContract(entityEventV1Schema, message.value);
        if (!decoded.ok) deadLetters.push(deadLetterRecord(deadLetterTopic, { reason: `contract violation: ${decoded.error}`, stage: 'catalog.projection', original: describe(message) }));
        else forRef(decoded.value.entityRef).entityEvents.push({ event: decoded.value, key: message.key, message });
      }
    }
    return { work, deadLetters };
  }

  private async run(work: Map<string, RefWork>, deadLetters: OutgoingRecord[], position: ConsumedPosition, generation: number, context: BatchContext): Promise<BatchSummary> {
    const refs = [...work.keys()];
    const clock = { started: performance.now(), read: 0, decide: 0, write: 0, publish: 0 };
    const lap = (phase: 'read' | 'decide' | 'write' | 'publish', since: number) => {
      clock[phase] += performance.now() - since;
      return performance.now();
    };
    let t = performance.now();
    const current = new Map<string, { record: EntityRecord; stored: boolean }>();
    const unknown: string[] = [];
    for (const ref of refs) {
      const hit = this.cache.get(ref);
      if (hit) current.set(ref, { record: hit, stored: true });
      else unknown.push(ref);
    }
    if (unknown.length <= READ_FIRST_LIMIT) {
      const loaded = await this.store.load(unknown);
      for (const ref of unknown) current.set(ref, loaded.has(ref) ? { record: loaded.get(ref)!, stored: true } : { record: await this.fresh(ref), stored: false });
    } else {
      for (const ref of unknown) current.set(ref, { record: await this.fresh(ref), stored: false });
    }

    t = lap('read', t);
    let writeId = writeIdOf(position);
    const results = new Map<string, RefResult>();
    for (const ref of refs) results.set(ref, await this.decide(ref, current.get(ref)!, work.get(ref)!, writeId));
    await context.heartbeat();
    t = lap('decide', t);

    const publicationsOf = (list: Iterable<RefResult>) => [...list].flatMap((r) => (r.changed && r.publication ? [r.publication] : []));
    // Ahead of the writes: a crash after any of them finds what it is to publish.
    await this.outbox.record({ position, publications: publicationsOf(results.values()) });
    const inserts = [...results.values()].filter((r) => r.changed && r.before.revision === 0);
    const existing = await this.store.insertNew(inserts.map((r) => r.after));
    if (existing.length > 0) {
      // Assumed new, they were stored after all: decided again from what is stored, as another write.
      writeId = writeIdOf(position);
      const loaded = await this.store.load(existing);
      const redecided: RefResult[] = [];
      for (const ref of existing) {
        const record = loaded.get(ref);
        if (!record) continue;
        const result = await this.decide(ref, { record, stored: true }, work.get(ref)!, writeId);
        results.set(ref, result);
        redecided.push(result);
      }
      await this.outbox.record({ position, publications: publicationsOf(redecided) }, { append: true });
    }
    await this.store.replace([...results.values()].filter((r) => r.changed && r.before.revision > 0).map((r) => ({ record: r.after, expectedRevision: r.before.revision })));
    const writtenAt = Date.now();
    await this.conflicts.apply([...results.values()].flatMap((r) => r.conflicts));
    t = lap('write', t);
    await this.hooks.afterWrite?.();

    const publications: RecordPublication[] = [...results.values()].flatMap((r) => (r.changed && r.publication ? [{ record: r.after, publication: r.publication, writtenAt }] : []));
    const rejected = [...results.values()].flatMap((r) =>
      r.rejected.map(({ message, reason }) => {
        this.logger.warn({ msg: 'entity event rejected', reason, key: message.key, offset: message.offset, partition: message.partition });
        return deadLetterRecord(this.topics.entityEventsDeadLetters, { reason, stage: 'catalog.projection', original: describe(message), deliveryId: this.deliveryIdOf(message) });
      }),
    );
    await this.output.publish(publications, [...deadLetters, ...rejected]);
    this.committed.published(position);
    t = lap('publish', t);
    await this.hooks.afterPublish?.();

    const written = [...results.values()].filter((r) => r.changed);
    this.cache.set(
      [...results.values()].filter((r) => r.changed || current.get(r.before.ref)?.stored).map((r) => r.after),
      generation,
    );
    return {
      readMs: Math.round(clock.read),
      decideMs: Math.round(clock.decide),
      writeMs: Math.round(clock.write),
      publishMs: Math.round(clock.publish),
      refs: refs.length,
      written: written.length,
      changes: written.reduce((n, r) => n + (r.publication?.changes.length ?? 0), 0),
      relationUpdates: written.reduce((n, r) => n + (r.publication?.relationUpdates.length ?? 0), 0),
      rejected: deadLetters.length + rejected.length,
      resent: 0,
    };
  }

  /** A record for a ref with no document: while rebuilding, it keeps the live projection's history numbering. */
  private async fresh(ref: string): Promise<EntityRecord> {
    const record = unknownRecord(ref);
    if (!this.config.CATALOG_UIDS_FROM_LIVE) return record;
    return { ...record, historySeq: await this.uids.historySeqFor(ref) };
  }

  private deliveryIdOf(message: RawMessage): string | undefined {
    const decoded = decodeContract(entityEventV1Schema, message.value);
    return decoded.ok ? decoded.value.source.deliveryId : undefined;
  }

  private async decide(ref: string, current: { record: EntityRecord; stored: boolean }, work: RefWork, writeId: string): Promise<RefResult> {
    const before = current.record;
    const result: RefResult = { before, after: before, changed: false, publication: null, conflicts: [], rejected: [], outcomes: [] };
    let after = before;
    let cause: ChangeCause | null = null;
    if (work.entityEvents.length > 0) {
      const processed = await this.events.apply(before, work.entityEvents);
      result.conflicts = processed.conflicts;
      result.rejected = processed.rejected;
      result.outcomes = processed.outcomes;
      if (processed.changed && processed.cause) {
        after = processed.record;
        const { deliveryId, repository, commitSha, path } = processed.cause;
        cause = { entityRef: ref, deliveryId, repository, commitSha, path };
      }
    }
    if (work.statuses.length > 0) {
      const applied = applyEntityStatus(after, work.statuses);
      if (applied.changed && applied.cause) {
        after = applied.record;
        cause = applied.cause;
      }
    }
    if (work.relationUpdates.length > 0) {
      const applied = applyRelationUpdates(after, work.relationUpdates);
      if (applied.changed && applied.cause) {
        after = applied.record;
        cause = applied.cause;
      }
    }
    if (after === before || cause === null) return result;

    const servedBefore = current.stored ? servedOf(before) : null;
    const servedAfter = servedOf(after);
    const changes = this.changesBetween(ref, before, servedBefore, servedAfter, cause);
    const revision = before.revision + 1;
    // A rebuild announces nothing: its changes are not news, and they are not recorded.
    const announced = this.config.CATALOG_PUBLISH_CHANGES ? changes : [];
    const relationUpdates = relationUpdatesFor(ref, before.emitted, after.emitted, revision, cause);
    if (announced.length > 0 || relationUpdates.length > 0) result.publication = { ref, writeId, changes: announced, served: announced.length > 0, relationUpdates };
    result.after = {
      ...after,
      etag: servedAfter?.etag ?? '',
      revision,
      historySeq: before.historySeq + announced.length,
      lastWrite: writeId,
    };
    rememberServed(result.after, servedAfter);
    result.changed = true;
    return result;
  }

  private changesBetween(ref: string, before: EntityRecord, servedBefore: Served | null, servedAfter: Served | null, cause: ChangeCause) {
    if ((servedBefore?.etag ?? null) === (servedAfter?.etag ?? null)) return [];
    const event = buildChangeEvent({
      source: this.config.CATALOG_EVENT_SOURCE,
      type: servedBefore === null ? 'created' : servedAfter === null ? 'deleted' : 'updated',
      entityRef: ref,
      uid: servedAfter?.entity.metadata.uid ?? before.uid,
      before: servedBefore?.entity ?? null,
      after: servedAfter?.entity ?? null,
      cause,
    });
    return [{ seq: before.historySeq + 1, event }];
  }
}
