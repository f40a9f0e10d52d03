import { Logger } from '@nestjs/common';
import { ProcessDeliveryOnceUseCase } from './process-delivery-once.use-case';
import type { ProcessedDeliveriesRepository } from './processed-deliveries.repository';

/** The repository's contract in memory; `down` makes it fail as an unreachable MongoDB would. */
class InMemoryProcessedDeliveries {
  readonly records = new Map<string, { event: string; processedAt: Date }>();
  down = false;

  async isProcessed(deliveryId: string): Promise<boolean> {
    if (this.down) throw new Error('MongoServerSelectionError');
    return this.records.has(deliveryId);
  }

  async markProcessed(deliveryId: string, event: string, processedAt: Date): Promise<void> {
    if (this.down) throw new Error('MongoServerSelectionError');
    this.records.set(deliveryId, { event, processedAt });
  }
}

describe('ProcessDeliveryOnceUseCase', () => {
  // The warnings the failure cases log are expected here.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));
  let store: InMemoryProcessedDeliveries;
  let useCase: ProcessDeliveryOnceUseCase;
  const push = { deliveryId: 'd-1', event: 'push' };

  beforeEach(() => {
    store = new InMemoryProcessedDeliveries();
    useCase = new ProcessDeliveryOnceUseCase(store as unknown as ProcessedDeliveriesRepository);
  });

  it('processes a delivery once and skips its redelivery', async () => {
    const work = jest.fn(async () => undefined);
    expect(await useCase.execute(push, work)).toBe('processed');
    expect(store.records.get('d-1')).toMatchObject({ event: 'push' });
    expect(await useCase.execute(push, work)).toBe('duplicate');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('records nothing for a delivery whose processing failed, so the retry (or a replay) processes it', async () => {
    await expect(useCase.execute(push, async () => Promise.reject(new Error('GitHub 502')))).rejects.toThrow('GitHub 502');
    expect(store.records.has('d-1')).toBe(false);
    const retry = jest.fn(async () => undefined);
    expect(await useCase.execute(push, retry)).toBe('processed');
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it('records the delivery only after its processing finished', async () => {
    let recordedDuringWork: boolean | undefined;
    await useCase.execute(push, async () => {
      recordedDuringWork = store.records.has('d-1');
    });
    expect(recordedDuringWork).toBe(false);
  });

  it('keeps processing deliveries while the record is unreachable', async () => {
    store.down = true;
    const work = jest.fn(async () => undefined);
    expect(await useCase.execute(push, work)).toBe('processed');
    expect(await useCase.execute(push, work)).toBe('processed');
    expect(work).toHaveBeenCalledTimes(2);
  });
});
