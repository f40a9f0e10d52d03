import { Injectable, Logger } from '@nestjs/common';
import type { GithubDeliveryV1 } from '@callboard/contracts';
import { ProcessedDeliveriesRepository } from './processed-deliveries.repository';

export type DeliveryOutcome = 'processed' | 'duplicate';

/**
 * Processes a recorded delivery unless one with the same `X-GitHub-Delivery` id was processed
 * already (GitHub redelivers with the same id, and so does a replay of a delivery that was
 * processed after all).
 *
 * The id is recorded only once processing finished: marked earlier, a crash (or a failure
 * parked in the dead-letter topic) would turn the redelivery or replay that is needed into a
 * skipped duplicate. A crash between finishing and recording processes the delivery once more,
 * which the idempotent steps after it absorb.
 *
 * The record is an optimisation of that idempotence, not what correctness rests on, so MongoDB
 * being unreachable neither stops nor fails deliveries: they are processed and not recorded.
 */
@Injectable()
export class ProcessDeliveryOnceUseCase {
  private readonly logger = new Logger(ProcessDeliveryOnceUseCase.name);

  constructor(private readonly processed: ProcessedDeliveriesRepository) {}

  async execute(delivery: Pick<GithubDeliveryV1, 'deliveryId' | 'event'>, process: () => Promise<void>): Promise<DeliveryOutcome> {
    const { deliveryId, event } = delivery;
    if (await this.wasProcessed(deliveryId)) {
      this.logger.log({ msg: 'delivery already processed; skipped', deliveryId, event });
      return 'duplicate';
    }
    await process();
    try {
      await this.processed.markProcessed(deliveryId, event, new Date());
    } catch (err) {
      this.logger.warn({ msg: 'could not record the delivery as processed; a redelivery would be processed again', deliveryId, err });
    }
    return 'processed';
  }

  private async wasProcessed(deliveryId: string): Promise<boolean> {
    try {
      return await this.processed.isProcessed(deliveryId);
    } catch (err) {
      this.logger.warn({ msg: 'could not look up whether the delivery was processed; processing it', deliveryId, err });
      return false;
    }
  }
}
