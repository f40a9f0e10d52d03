import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';

const PREFIX = 'processed_deliveries_';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Which GitHub deliveries were processed, by `X-GitHub-Delivery` id, without a collection that
 * grows with every delivery and is scanned to forget old ones: ids are written to the
 * collection of the current *generation* (`processed_deliveries_<n>`, a new one every
 * INGESTION_DEDUP_RETENTION_DAYS), looked up by `_id` in the current and the previous
 * generation, and forgotten by dropping whole generations older than that. An id is so kept at
 * least the retention and at most twice it.
 */
@Injectable()
export class ProcessedDeliveriesRepository {
  private readonly generationMs: number;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(APP_CONFIG) config: IngestionConfig,
  ) {
    this.generationMs = config.INGESTION_DEDUP_RETENTION_DAYS * DAY_MS;
  }

  private generationOf(at: Date): number {
    return Math.floor(at.getTime() / this.generationMs);
  }

  private collection(generation: number) {
    return this.connection.collection<{ _id: string; event: string; processedAt: Date }>(`${PREFIX}${generation}`);
  }

  async isProcessed(deliveryId: string, now = new Date()): Promise<boolean> {
    const current = this.generationOf(now);
    const found = await Promise.all([current, current - 1].map((g) => this.collection(g).findOne({ _id: deliveryId }, { projection: { _id: 1 } })));
    return found.some((doc) => doc !== null);
  }

  async markProcessed(deliveryId: string, event: string, processedAt: Date): Promise<void> {
    await this.collection(this.generationOf(processedAt)).updateOne({ _id: deliveryId }, { $set: { event, processedAt } }, { upsert: true });
  }

  /** Drops the generations no lookup reads any more (older than the previous one); returns how many. */
  async pruneGenerations(now: Date): Promise<number> {
    const oldest = this.generationOf(now) - 1;
    const names = (await this.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const stale = names.filter((name) => name.startsWith(PREFIX) && Number(name.slice(PREFIX.length)) < oldest);
    for (const name of stale) await this.connection.db!.dropCollection(name);
    return stale.length;
  }
}
