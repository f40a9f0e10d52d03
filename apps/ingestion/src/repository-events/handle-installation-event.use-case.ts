import { Injectable, Logger } from '@nestjs/common';
import { SyncGithubOrgUseCase } from '../org/sync-github-org.use-case';
import { ReconcileUseCase } from '../reconcile/reconcile.use-case';
import { RepositorySync } from '../repository-sync/repository-sync.service';
import { InstallationEvent, InstallationRepositoriesEvent, InstallationTargetEvent } from './repository-event';

/** `installation` and `installation_repositories` events: what the App may read changed. */
@Injectable()
export class HandleInstallationEventUseCase {
  private readonly logger = new Logger(HandleInstallationEventUseCase.name);

  constructor(
    private readonly repositories: RepositorySync,
    private readonly reconcile: ReconcileUseCase,
    private readonly orgPeople: SyncGithubOrgUseCase,
  ) {}

  async installation(event: InstallationEvent, deliveryId: string): Promise<void> {
    const installationId = event.installation.id;
    const account = event.installation.account?.login ?? undefined;
    switch (event.action) {
      case 'created':
      case 'unsuspend':
      case 'new_permissions_accepted':
        // Read everything the installation now reaches; what it no longer reaches leaves.
        await this.reconcile.installation(installationId, deliveryId);
        if (account) await this.orgPeople.syncInstallationAccount({ installationId, account, deliveryId });
        return;
      case 'deleted':
      case 'suspend':
        // Nothing can be read any more (a suspended installation's token is refused).
        await this.reconcile.forgetInstallation(installationId, deliveryId, `installation ${event.action}`);
        await this.orgPeople.forgetInstallation({ installationId, account, deliveryId });
        return;
      default:
        this.logger.debug({ msg: 'installation event does not change the catalog', deliveryId, action: event.action, installationId });
    }
  }

  /**
   * The installation's account was renamed: every repository URL and the organisation's URL
   * changed with it, and GitHub sends no `repository.renamed` for them. Reading the installation
   * again as GitHub lists it now moves each entity to its new URL, keeping its uid.
   */
  async targetChanged(event: InstallationTargetEvent, deliveryId: string): Promise<void> {
    if (event.action !== 'renamed') {
      this.logger.debug({ msg: 'installation_target event does not change the catalog', deliveryId, action: event.action });
      return;
    }
    await this.reconcile.installationWithPeople(event.installation.id, deliveryId);
  }

  async repositoriesChanged(event: InstallationRepositoriesEvent, deliveryId: string): Promise<void> {
    // Both settled by what the installation reaches now, so an add and a remove delivered in
    // the wrong order still end as GitHub says: a repository out of reach answers 404 and leaves.
    const installationId = event.installation.id;
    for (const repository of [...event.repositories_removed, ...event.repositories_added]) {
      await this.repositories.rescan(repository.id, installationId, deliveryId, `installation_repositories ${event.action}`);
    }
  }
}
