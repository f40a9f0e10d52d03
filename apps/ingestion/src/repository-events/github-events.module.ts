import { Module } from '@nestjs/common';
import { HandleOrgEventUseCase } from '../org/handle-org-event.use-case';
import { OrgPeopleModule } from '../org/org-people.module';
import { ReconcileModule } from '../reconcile/reconcile.module';
import { RepositorySyncModule } from '../repository-sync/repository-sync.module';
import { HandleInstallationEventUseCase } from './handle-installation-event.use-case';
import { HandleRepositoryEventUseCase } from './handle-repository-event.use-case';

/** What each non-push GitHub event does: repository, installation and organisation-people events. */
@Module({
  imports: [RepositorySyncModule, ReconcileModule, OrgPeopleModule],
  providers: [HandleRepositoryEventUseCase, HandleInstallationEventUseCase, HandleOrgEventUseCase],
  exports: [HandleRepositoryEventUseCase, HandleInstallationEventUseCase, HandleOrgEventUseCase],
})
export class GithubEventsModule {}
