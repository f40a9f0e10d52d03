import { Injectable, Logger } from '@nestjs/common';
import { GithubAppNotInstalledError } from '../github/github-client.factory';
import { GithubOrgNotReadableError } from '../org/github-org.repository';
import { SyncGithubOrgUseCase } from '../org/sync-github-org.use-case';
import { ReconcileUseCase } from '../reconcile/reconcile.use-case';
import { RepositorySync } from '../repository-sync/repository-sync.service';
import { DeliveryRepairsRepository } from './delivery-repairs.repository';
import type { RepairTarget } from './repair-target';

// A target GitHub keeps refusing is left to the dead letter and the scheduled reconciliation.
const MAX_FAILED_RUNS = 60;

export interface RepairRunOutcome {
  repaired: number;
  failed: number;
}

/**
 * Reads again, as GitHub describes it now, each repository, organisation or installation a
 * failed delivery was about (state-based, like a reconciliation of just that), and forgets
 * the repair once that worked.
 */
@Injectable()
export class RunDeliveryRepairsUseCase {
  private readonly logger = new Logger(RunDeliveryRepairsUseCase.name);

  constructor(
    private readonly repairs: DeliveryRepairsRepository,
    private readonly repositories: RepositorySync,
    private readonly people: SyncGithubOrgUseCase,
    private readonly reconcile: ReconcileUseCase,
  ) {}

  async execute(): Promise<RepairRunOutcome> {
    const outcome: RepairRunOutcome = { repaired: 0, failed: 0 };
    for (const repair of await this.repairs.pending()) {
      const deliveryId = `repair:${repair.deliveryId}`;
      try {
        await this.repair(repair.target, deliveryId);
        await this.repairs.done(repair);
        outcome.repaired += 1;
        this.logger.log({ msg: 'state of a failed delivery read again', deliveryId, target: repair.key });
      } catch (err) {
        outcome.failed += 1;
        if (this.isSettled(err) || repair.failedRuns + 1 >= MAX_FAILED_RUNS) {
          this.logger.warn({ msg: 'repair given up; the dead letter and the scheduled reconciliation still cover it', deliveryId, target: repair.key, err });
          await this.repairs.done(repair);
        } else {
          this.logger.warn({ msg: 'repair failed; the next run tries again', deliveryId, target: repair.key, err });
          await this.repairs.failed(repair, err instanceof Error ? err.message : String(err));
        }
      }
    }
    return outcome;
  }

  private async repair(target: RepairTarget, deliveryId: string): Promise<void> {
    switch (target.kind) {
      case 'repository':
        await this.repositories.rescan(target.repositoryId, target.installationId, deliveryId, 'a delivery about it failed');
        return;
      case 'organisation':
        await this.people.execute({ org: target.org, installationId: target.installationId, deliveryId, force: true });
        return;
      case 'installation': {
        const outcome = await this.reconcile.installationWithPeople(target.installationId, deliveryId);
        if (outcome.failures.length > 0) throw new Error(`${outcome.failures.length} repositories could not be read: ${outcome.failures[0].error}`);
        return;
      }
    }
  }

  /** Failures no later read can change: the App is not installed, the organisation's people are not visible. */
  private isSettled(err: unknown): boolean {
    return err instanceof GithubAppNotInstalledError || err instanceof GithubOrgNotReadableError;
  }
}
