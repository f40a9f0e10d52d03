import { Module } from '@nestjs/common';
import { GithubModule } from '../github/github.module';
import { OrgPeopleModule } from '../org/org-people.module';
import { RepositorySyncModule } from '../repository-sync/repository-sync.module';
import { ReconcileScheduler } from './reconcile.scheduler';
import { ReconcileUseCase } from './reconcile.use-case';

/** State-based reconciliation with GitHub, on schedule and on demand (`npm run reconcile`). */
@Module({
  imports: [GithubModule, RepositorySyncModule, OrgPeopleModule],
  providers: [ReconcileUseCase, ReconcileScheduler],
  exports: [ReconcileUseCase],
})
export class ReconcileModule {}
