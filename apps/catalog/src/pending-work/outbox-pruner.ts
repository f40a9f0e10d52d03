import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@callboard/observability';
import { BatchOutboxRepository } from '../store/batch-outbox.repository';

const HOUR_MS = 60 * 60 * 1000;

/** Drops the batch outbox's hourly collections past their retention, every hour (and at start). */
@Injectable()
export class OutboxPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxPruner.name);
  private readonly task = new PeriodicTask(() => this.pruneOnce());

  constructor(private readonly outbox: BatchOutboxRepository) {}

  onApplicationBootstrap(): void {
    void this.task.runNow();
    this.task.schedule(HOUR_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  private async pruneOnce(): Promise<void> {
    try {
      const dropped = await this.outbox.prune(new Date());
      if (dropped > 0) this.logger.log({ msg: 'dropped old batch outboxes', collections: dropped });
    } catch (err) {
      this.logger.warn({ msg: 'could not drop old batch outboxes; the next run tries again', err: (err as Error).message });
    }
  }
}
