import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import type { IngestionConfig } from '../ingestion.config';
import { RunDeliveryRepairsUseCase } from './run-delivery-repairs.use-case';

/**
 * Runs pending repairs every INGESTION_REPAIR_INTERVAL_MS (0: never). A run still going when
 * the next is due is not doubled; replicas each run their own, which is redundant, not harmful.
 */
@Injectable()
export class DeliveryRepairsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRepairsScheduler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly repairs: RunDeliveryRepairsUseCase,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.INGESTION_REPAIR_INTERVAL_MS;
    if (interval === 0) return;
    this.timer = setInterval(() => void this.runOnce(), interval);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private runOnce(): Promise<void> {
    this.running ??= this.repairs
      .execute()
      .then((outcome) => {
        if (outcome.repaired + outcome.failed > 0) this.logger.log({ msg: 'delivery repairs run', ...outcome });
      })
      .catch((err: unknown) => this.logger.error({ msg: 'delivery repairs run failed; the next run tries again', err }))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
