import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { mongo, type Connection } from 'mongoose';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CatalogChangeV1, RelationUpdateV1 } from '@callboard/contracts';
import { APP_CONFIG } from '@callboard/config';
import type { CatalogConfig } from '../catalog.config';
import type { ConsumedPosition, Publication } from './entity-record';

const HEADS = 'catalog_outbox_heads';
const BUCKET_PREFIX = 'catalog_outbox_';
const HOUR_MS = 60 * 60 * 1000;
// JSON per chunk document (before deflating): a few chunks per large batch, well below any document limit.
const CHUNK_CHARS = 8 * 1024 * 1024;

/** A batch's publications, as the outbox holds them until the batch's offsets are committed. */
export interface BatchOutbox {
  position: ConsumedPosition;
  publications: Publication[];
}

interface HeadDocument {
  _id: string;
  offset: string;
  bucket: string;
  chunks: string[];
  at: Date;
}

type StoredPublication = Omit<Publication, 'changes'> & { changes: Array<{ seq: number; event: CatalogChangeV1 }>; relationUpdates: RelationUpdateV1[] };

const headId = (position: Pick<ConsumedPosition, 'group' | 'topic' | 'partition'>) => `${position.group}|${position.topic}|${position.partition}`;

/**
 * The batch outbox: what a batch's writes are to publish, written ahead of them, so that a crash
 * between a record's write and its publication is finished after restart (same CloudEvents
 * ids), without the entity documents carrying it (each rewrite would read it back). Per
 * consumer group and topic-partition, a small head document (by `_id`) names the latest batch's
 * chunks; chunks go, inserted, into a collection per hour, dropped whole after
 * CATALOG_OUTBOX_RETENTION_HOURS: nothing is ever queried but by `_id`, nothing deleted one by one.
 */
@Injectable()
export class BatchOutboxRepository {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  private bucketOf(at: Date): string {
    return `${BUCKET_PREFIX}${Math.floor(at.getTime() / HOUR_MS)}`;
  }

  /**
   * Records a batch's publications (or more of them: `append` adds to what this batch recorded
   * already, for records decided again during the batch).
   */
  async record(outbox: BatchOutbox, options: { append?: boolean } = {}): Promise<void> {
    if (outbox.publications.length === 0 && options.append) return;
    const now = new Date();
    const bucket = this.bucketOf(now);
    const id = headId(outbox.position);
    const previous = options.append ? await this.connection.collection<HeadDocument>(HEADS).findOne({ _id: id }) : null;
    const base = previous && previous.offset === outbox.position.offset ? previous.chunks : [];
    const chunks: Array<{ _id: string; deflated: mongo.Binary }> = [];
    let current: StoredPublication[] = [];
    let size = 0;
    const flush = () => {
      if (current.length === 0) return;
      // Deflated: change events are JSON of whole entities (before and after), most of what a
      // batch writes, and compress several times over; the engine's cost grows with the bytes.
      const deflated = deflateRawSync(Buffer.from(JSON.stringify(current)), { level: 1 });
      chunks.push({ _id: `${id}|${outbox.position.offset}|${now.getTime()}|${base.length + chunks.length}`, deflated: new mongo.Binary(deflated) });
      current = [];
      size = 0;
    };
    for (const publication of outbox.publications) {
      const length = JSON.stringify(publication).length;
      if (size + length > CHUNK_CHARS) flush();
      current.push(publication);
      size += length;
    }
    flush();
    if (chunks.length > 0) await this.connection.collection(bucket).insertMany(chunks as never[], { ordered: true });
    const head: HeadDocument = { _id: id, offset: outbox.position.offset, bucket, chunks: [...base, ...chunks.map((c) => `${bucket}/${c._id}`)], at: now };
    await this.connection.collection<HeadDocument>(HEADS).replaceOne({ _id: id }, head, { upsert: true });
  }

  /** The latest batch recorded for a topic-partition by a consumer group, or null (or null publications when its chunks were dropped). */
  async latest(position: Pick<ConsumedPosition, 'group' | 'topic' | 'partition'>): Promise<BatchOutbox | null> {
    const head = await this.connection.collection<HeadDocument>(HEADS).findOne({ _id: headId(position) });
    if (!head) return null;
    const publications: Publication[] = [];
    for (const ref of head.chunks) {
      const [bucket, chunkId] = [ref.slice(0, ref.indexOf('/')), ref.slice(ref.indexOf('/') + 1)];
      const chunk = await this.connection.collection<{ _id: string; deflated: mongo.Binary }>(bucket).findOne({ _id: chunkId });
      if (!chunk) throw new OutboxChunkMissingError(`outbox chunk ${ref} of ${headId(position)} is gone (older than CATALOG_OUTBOX_RETENTION_HOURS)`);
      publications.push(...(JSON.parse(inflateRawSync(chunk.deflated.buffer).toString('utf8')) as Publication[]));
    }
    return { position: { ...position, offset: head.offset }, publications };
  }

  /** Drops the hourly chunk collections past the retention; returns how many. */
  async prune(now: Date): Promise<number> {
    const oldest = Math.floor(now.getTime() / HOUR_MS) - this.config.CATALOG_OUTBOX_RETENTION_HOURS;
    const names = (await this.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const stale = names.filter((name) => name.startsWith(BUCKET_PREFIX) && name !== HEADS && Number(name.slice(BUCKET_PREFIX.length)) < oldest);
    for (const name of stale) await this.connection.db!.dropCollection(name);
    return stale.length;
  }
}

export class OutboxChunkMissingError extends Error {}
