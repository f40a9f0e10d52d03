import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@callboard/config';
import { PeriodicTask } from '@callboard/observability';
import type { IngestionConfig } from '../ingestion.config';
import { RunDeliveryRepairsUseCase } from './run-delivery-repairs.use-case';

/** Runs pending repairs every INGESTION_REPAIR_INTERVAL_MS (0: never); replicas each run their own, which is redundant, not harmful. */
@Injectable()
export class DeliveryRepairsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRepairsScheduler.name);
  private readonly task = new PeriodicTask(() =>
    this.repairs
      .execute()
      .then((outcome) => {
        if (outcome.repaired + outcome.failed > 0) this.logger.log({ msg: 'delivery repairs run', ...outcome });
      })
      .catch((err: unknown) => this.logger.error({ msg: 'delivery repairs run failed; the next run tries again', err })),
  );

  constructor(
    private readonly repairs: RunDeliveryRepairsUseCase,
    @Inject(APP_CONFIG) private readonly config: IngestionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.schedule(this.config.INGESTION_REPAIR_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
