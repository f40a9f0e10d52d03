import { Injectable, Logger } from '@nestjs/common';
import type { GithubDeliveryV1 } from '@callboard/contracts';
import { DeliveryRepairsRepository } from './delivery-repairs.repository';
import { repairTargetOf } from './repair-target';

/**
 * Remembers the state a failing delivery was about, so it is read again once GitHub answers
 * (RunDeliveryRepairsUseCase), even when the delivery itself ends up parked: the catalog then
 * converges without anyone replaying the dead letter.
 */
@Injectable()
export class NoteFailedDeliveryUseCase {
  private readonly logger = new Logger(NoteFailedDeliveryUseCase.name);

  constructor(private readonly repairs: DeliveryRepairsRepository) {}

  async execute(delivery: GithubDeliveryV1, err: unknown): Promise<void> {
    const target = repairTargetOf(delivery.event, delivery.payload);
    if (!target) return;
    try {
      await this.repairs.note(target, delivery.deliveryId, err instanceof Error ? err.message : String(err), new Date());
    } catch (noteErr) {
      // The delivery's own retries and dead letter still hold it; this is only a shortcut.
      this.logger.warn({ msg: 'could not note a repair for a failed delivery', deliveryId: delivery.deliveryId, err: noteErr });
    }
  }
}
