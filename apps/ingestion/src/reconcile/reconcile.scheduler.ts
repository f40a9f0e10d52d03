import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '@callboard/config';
import { PeriodicTask } from '@callboard/observability';
import type { IngestionConfig } from '../ingestion.config';
import { ReconcileUseCase } from './reconcile.use-case';

/**
 * Reconciles everything every RECONCILE_INTERVAL_MINUTES (0: never), so missed webhooks are
 * made good without anyone noticing them. A run still going when the next is due is not
 * doubled. Each replica runs its own schedule: a second run is redundant, not harmful.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private readonly task = new PeriodicTask(() =>
    this.reconcile
      .everything(`reconcile:${randomUUID()}`)
      .then((outcome) => this.logger.log({ msg: 'scheduled reconciliation done', ...outcome, failures: outcome.failures.length }))
      .catch((err: unknown) => this.logger.error({ msg: 'scheduled reconciliation failed; the next run tries again', err })),
  );

  constructor(
    private readonly reconcile: ReconcileUseCase,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.schedule(this.config.RECONCILE_INTERVAL_MINUTES * 60_000);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
