import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import { PeriodicTask } from '@callboard/observability';
import type { IngestionConfig } from '../ingestion.config';
import { ProcessedDeliveriesRepository } from './processed-deliveries.repository';

/**
 * Forgets processed deliveries past the retention (INGESTION_DEDUP_RETENTION_DAYS, longer than
 * GitHub's redelivery window) by dropping whole generations of them, at start and then every
 * INGESTION_DEDUP_PRUNE_INTERVAL_MS: what a TTL index would do (FerretDB has none), without a
 * query. Several replicas pruning at once is harmless.
 */
@Injectable()
export class ProcessedDeliveriesPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProcessedDeliveriesPruner.name);
  private readonly task = new PeriodicTask((now?: Date) => this.pruneOnce(now ?? new Date()));

  constructor(
    private readonly processed: ProcessedDeliveriesRepository,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: a large collection must not hold up accepting webhooks.
    void this.prune();
    this.task.schedule(this.config.INGESTION_DEDUP_PRUNE_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pruning run; resolves with the number of generations dropped (0 when it failed). */
  prune(now?: Date): Promise<number> {
    return this.task.runNow(now);
  }

  private async pruneOnce(now: Date): Promise<number> {
    try {
      const removed = await this.processed.pruneGenerations(now);
      if (removed) this.logger.log({ msg: 'pruned processed deliveries', generations: removed });
      return removed;
    } catch (err) {
      this.logger.error({ msg: 'pruning processed deliveries failed; the next run retries', err });
      return 0;
    }
  }
}
