import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import { PeriodicTask } from '@callboard/observability';
import type { CatalogConfig } from '../catalog.config';
import { EntityStoreRepository } from '../projection/entity-store.repository';
import { PendingWorkRunner } from '../projection/pending-work.runner';
import { ProjectionWriteLock } from '../projection/projection-write-lock';

const BATCH = 500;

/**
 * Finishes work left unfinished by a crash (written but not stitched or not published), at
 * start-up and then periodically, e.g. after Kafka was unreachable for a while.
 */
@Injectable()
export class PendingWorkSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PendingWorkSweeper.name);
  private readonly task = new PeriodicTask((minAgeMs: number) => this.sweepOnce(minAgeMs));

  constructor(
    private readonly store: EntityStoreRepository,
    private readonly runner: PendingWorkRunner,
    private readonly writeLock: ProjectionWriteLock,
    @Inject(APP_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Before the consumer starts, every pending document is a leftover.
    await this.sweep(0);
    // Later, only work older than one interval: newer work belongs to an event being processed,
    // and finishing it concurrently could clear a relation delta that event just recorded.
    this.task.schedule(this.config.CATALOG_RECOVERY_INTERVAL_MS, this.config.CATALOG_RECOVERY_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  sweep(minAgeMs: number): Promise<void> {
    return this.task.runNow(minAgeMs);
  }

  private async sweepOnce(minAgeMs: number): Promise<void> {
    try {
      const refs = await this.store.findWithPendingWork(BATCH, new Date(Date.now() - minAgeMs));
      for (const ref of refs) await this.writeLock.run(() => this.runner.complete(ref));
      if (refs.length) this.logger.log({ msg: 'finished pending work', entities: refs.length });
    } catch (err) {
      this.logger.error({ msg: 'pending-work sweep failed; will retry', err });
    }
  }
}
